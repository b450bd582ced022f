import * as tf from './tf';

/** tf.tidy for results holding tensors in plain objects (hidden states), which its typing refuses. */
export function tidyKeep<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}

/**
 * A variable holding what `init` makes, the made tensor freed. tf.variable copies its initial
 * value and the caller's tensor stays alive beside it: a chordwise model and its Adam moments kept
 * 168 MB of initial values (zeros and random draws) for the whole run, in every worker too.
 */
export function variableOf<R extends tf.Rank>(
  init: () => tf.Tensor<R>,
  trainable: boolean,
  name: string,
): tf.Variable<R> {
  return tf.tidy(() => tf.variable(init(), trainable, name));
}
