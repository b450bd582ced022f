import { keepMask } from './dropout';
import * as tf from './tf';

/**
 * Variational ("locked") dropout: one mask per sequence and feature, shared by every time step, so
 * the LSTM sees the same units dropped all through a window (Gal & Ghahramani; AWD-LSTM).
 * x is [T, B, D]; identity when not training or p = 0.
 */
export function lockedDropout(x: tf.Tensor3D, p: number, training: boolean, seed: number): tf.Tensor3D {
  if (!training || p <= 0) return x;
  const [, B, D] = x.shape;
  return tf.mul(x, keepMask([1, B, D], p, seed)) as tf.Tensor3D;
}
