import type { AwdLstm } from '../model/awdLstm';
import { disposeStates } from '../model/lstm';
import * as tf from '../model/tf';

/** Feature width of concat pooling over an encoder whose last layer has `width` units. */
export const featureSize = (width: number): number => 3 * width;

/**
 * Concat pooling (ULMFiT's classifier input): the encoder's last output, its maximum and its mean
 * over the window, computed without dropout. Windows must all have the same length; they are run
 * `batch` at a time. Returns one row of 3·E features per window.
 */
export function poolFeatures(
  model: AwdLstm,
  windows: readonly Int32Array[],
  batch = 32,
  onProgress?: (done: number, total: number) => void,
): Float32Array {
  const E = model.config.embSize;
  const D = featureSize(E);
  const out = new Float32Array(windows.length * D);
  if (windows.length === 0) return out;
  const T = windows[0]!.length;
  for (const w of windows) if (w.length !== T) throw new Error('poolFeatures: windows must have one length');
  for (let at = 0; at < windows.length; at += batch) {
    const group = windows.slice(at, at + batch);
    const B = group.length;
    const ids = new Int32Array(T * B);
    group.forEach((w, b) => {
      for (let t = 0; t < T; t++) ids[t * B + b] = w[t]!;
    });
    const state = model.zeroState(B);
    const pooled = tf.tidy(() => {
      const { output, state: next } = model.encode(tf.tensor2d(ids, [T, B], 'int32'), state);
      disposeStates(next);
      const last = tf.squeeze(tf.slice(output, [T - 1, 0, 0], [1, B, E]), [0]);
      return tf.concat([last, tf.max(output, 0), tf.mean(output, 0)], 1);
    });
    disposeStates(state);
    out.set(pooled.dataSync() as Float32Array, at * D);
    pooled.dispose();
    onProgress?.(Math.min(at + B, windows.length), windows.length);
  }
  return out;
}
