import { keepMask } from './dropout';
import * as tf from './tf';

/**
 * Embedding dropout: drops whole words (rows of the embedding matrix) for a forward pass, so a
 * dropped word vanishes everywhere it occurs in the batch. emb is [V, D].
 */
export function embeddingDropout(emb: tf.Tensor2D, p: number, training: boolean, seed: number): tf.Tensor2D {
  if (!training || p <= 0) return emb;
  return tf.mul(emb, keepMask([emb.shape[0], 1], p, seed)) as tf.Tensor2D;
}
