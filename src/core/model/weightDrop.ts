import { keepMask } from './dropout';
import * as tf from './tf';

/**
 * Weight drop (DropConnect on the hidden-to-hidden weights): one mask over the recurrent matrix per
 * forward pass, the same for every time step. Only the recurrent weights, and only in training.
 */
export function weightDrop(wh: tf.Tensor2D, p: number, training: boolean, seed: number): tf.Tensor2D {
  if (!training || p <= 0) return wh;
  return tf.mul(wh, keepMask(wh.shape, p, seed)) as tf.Tensor2D;
}
