import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { embeddingLookup } from './embeddingLookup';
import * as tf from './tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('embedding lookup with a sparse gradient', () => {
  it('gives the one-hot matmul’s rows and gradient, repeated and unused ids included', () => {
    const V = 37;
    const E = 8;
    const emb = tf.variable(tf.randomUniform([V, E], -1, 1, 'float32', 4)) as tf.Variable<tf.Rank.R2>;
    // Ids repeat (their gradients must add up) and leave most rows unused (zero gradient there).
    const ids = tf.tensor1d([3, 7, 3, 0, 36, 7, 7, 12, 3], 'int32');
    const upstream = tf.randomNormal([ids.size, E], 0, 1, 'float32', 9);
    const loss = (f: () => tf.Tensor2D) => () => tf.sum(tf.mul(f(), upstream)) as tf.Scalar;
    const sparse = tf.variableGrads(
      loss(() => embeddingLookup(emb, ids)),
      [emb],
    );
    const dense = tf.variableGrads(
      loss(() => tf.matMul(tf.oneHot(ids, V), emb)),
      [emb],
    );
    expect(sparse.value.dataSync()[0]).toBeCloseTo(dense.value.dataSync()[0]!, 4);
    const a = sparse.grads[emb.name]!.dataSync();
    const b = dense.grads[emb.name]!.dataSync();
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    expect(worst / scale).toBeLessThan(1e-4);
    // Row 5 is never looked up: exactly no gradient.
    expect(Array.from(a.slice(5 * E, 6 * E))).toEqual(new Array(E).fill(0));
    emb.dispose();
  });
});
