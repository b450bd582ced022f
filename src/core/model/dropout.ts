import * as tf from './tf';

/** A Bernoulli keep-mask scaled by 1/(1−p), so activations keep their expected value. */
export function keepMask(shape: number[], p: number, seed: number): tf.Tensor {
  return tf.tidy(() =>
    tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(shape, 0, 1, 'float32', seed), p), 'float32'), 1 - p),
  );
}
