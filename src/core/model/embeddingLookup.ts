import * as tf from './tf';

/**
 * Embedding rows by lookup, with a sparse gradient: the forward pass gathers the rows of the ids,
 * the backward pass scatter-adds the incoming gradient into those rows only (ScatterNd sums
 * repeated ids). A one-hot matmul costs 2·N·V·E each way — with chordwise vocabularies of tens of
 * thousands of chords, more than the whole LSTM — while this costs N·E. tf.gather's own gradient
 * needs UnsortedSegmentSum, which the wasm backend lacks.
 *
 * emb [V, E], ids [N] (int32) → [N, E].
 */
export function embeddingLookup(emb: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const lookup = tf.customGrad((...args: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
    const [table, rows, save] = args as [tf.Tensor2D, tf.Tensor1D, (ts: tf.Tensor[]) => void];
    save([rows]);
    const [V, E] = table.shape;
    return {
      value: tf.gather(table, rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [used] = saved as [tf.Tensor1D];
        const dTable = tf.scatterND(tf.expandDims(used, 1), dy as tf.Tensor2D, [V, E]);
        // The ids are integers: no gradient flows to them.
        return [dTable, tf.zerosLike(used)];
      },
    };
  });
  return lookup(emb, ids) as tf.Tensor2D;
}
