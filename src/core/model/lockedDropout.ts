import type { BatchRows } from './batchRows';
import { keepMask } from './dropout';
import * as tf from './tf';

/**
 * Variational ("locked") dropout: one mask per sequence and feature, shared by every time step, so
 * the LSTM sees the same units dropped all through a window (Gal & Ghahramani; AWD-LSTM).
 * x is [T, B, D]; identity when not training or p = 0. When x holds some `rows` of a larger batch
 * (a data-parallel share), the mask is drawn for the whole batch and cut, so each stream gets the
 * mask it would get with one worker.
 */
export function lockedDropout(
  x: tf.Tensor3D,
  p: number,
  training: boolean,
  seed: number,
  rows?: BatchRows,
): tf.Tensor3D {
  if (!training || p <= 0) return x;
  const [, B, D] = x.shape;
  if (!rows || rows.total === B) return tf.mul(x, keepMask([1, B, D], p, seed)) as tf.Tensor3D;
  const mask = tf.slice(keepMask([1, rows.total, D], p, seed), [0, rows.offset, 0], [1, B, D]);
  return tf.mul(x, mask) as tf.Tensor3D;
}
