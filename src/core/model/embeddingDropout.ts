import { keepMask } from './dropout';
import * as tf from './tf';

/**
 * Embedding dropout: drops whole words (rows of the embedding matrix) for a forward pass, so a
 * dropped word vanishes everywhere it occurs in the batch. The keep-mask over the V words, [V, 1]
 * scaled by 1/(1−p), or null when nothing is dropped; the model applies it to the rows it looks up.
 */
export function embeddingDropMask(V: number, p: number, training: boolean, seed: number): tf.Tensor2D | null {
  if (!training || p <= 0) return null;
  return keepMask([V, 1], p, seed) as tf.Tensor2D;
}

/** The embedding with whole rows dropped: emb [V, D] times the mask (for tests and inspection). */
export function embeddingDropout(emb: tf.Tensor2D, p: number, training: boolean, seed: number): tf.Tensor2D {
  const mask = embeddingDropMask(emb.shape[0], p, training, seed);
  return mask ? (tf.mul(emb, mask) as tf.Tensor2D) : emb;
}
