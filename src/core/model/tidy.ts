import * as tf from './tf';

/** tf.tidy for results holding tensors in plain objects (hidden states), which its typing refuses. */
export function tidyKeep<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
