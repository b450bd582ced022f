import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { decoderLoss, decoderLossEval } from './decoderLoss';
import * as tf from './tf';

beforeAll(async () => {
  await initBackend('wasm');
});

function maxRelError(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

describe('the blocked decoder loss', () => {
  // A vocabulary big enough that the rows come in several blocks (4M logits a block: 3 rows here).
  for (const V of [23, 1_500_000]) {
    it(`matches the dense softmax cross-entropy and its gradients (V = ${V})`, () => {
      const N = V > 1000 ? 7 : 40;
      const E = 6;
      const out = tf.variable(tf.randomNormal([N, E], 0, 1, 'float32', 1)) as tf.Variable<tf.Rank.R2>;
      const emb = tf.variable(tf.randomNormal([V, E], 0, 0.3, 'float32', 2)) as tf.Variable<tf.Rank.R2>;
      const bias = tf.variable(tf.randomNormal([V], 0, 0.1, 'float32', 3)) as tf.Variable<tf.Rank.R1>;
      const targets = tf.tensor1d(
        Array.from({ length: N }, (_, i) => (i * 7919) % V),
        'int32',
      );
      let correct: tf.Scalar | null = null;
      const blocked = tf.variableGrads(() => {
        const r = decoderLoss(out, emb, bias, targets);
        correct = r.correct;
        return r.ce;
      }, [out, emb, bias]);
      const dense = tf.variableGrads(() => {
        const logits = tf.add(tf.matMul(out, emb, false, true), bias);
        return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, V), tf.logSoftmax(logits)), 1))) as tf.Scalar;
      }, [out, emb, bias]);
      expect(blocked.value.dataSync()[0]).toBeCloseTo(dense.value.dataSync()[0]!, 4);
      for (const v of [out, emb, bias])
        expect(maxRelError(blocked.grads[v.name]!.dataSync(), dense.grads[v.name]!.dataSync()), v.name).toBeLessThan(
          1e-4,
        );
      const argmax = tf.argMax(tf.add(tf.matMul(out, emb, false, true), bias), 1).dataSync();
      const hits = Array.from(argmax).filter((a, i) => a === targets.dataSync()[i]).length;
      expect(correct!.dataSync()[0]).toBe(hits);
      const ev = decoderLossEval(out, emb, bias, targets);
      expect(ev.ce.dataSync()[0]).toBeCloseTo(dense.value.dataSync()[0]!, 4);
      expect(ev.correct.dataSync()[0]).toBe(hits);
      for (const t of [out, emb, bias, targets, correct!, ev.ce, ev.correct]) t.dispose();
    });
  }
});
