import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import type { ModelConfig } from './presets';
import { softmaxSplits, splitLogProbs, splitLoss, type SplitWeights } from './splitSoftmax';
import * as tf from './tf';
import { evaluateWindows, trainStep } from './trainStep';

beforeAll(async () => {
  await initBackend('wasm');
});

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

describe('the split softmax', () => {
  const V = 40;
  const E = 5;
  const N = 30;
  const splits = [8, 20];
  const vars = () => ({
    out: tf.variable(tf.randomNormal([N, E], 0, 1, 'float32', 1)) as tf.Variable<tf.Rank.R2>,
    emb: tf.variable(tf.randomNormal([V, E], 0, 0.5, 'float32', 2)) as tf.Variable<tf.Rank.R2>,
    bias: tf.variable(tf.randomNormal([V], 0, 0.2, 'float32', 3)) as tf.Variable<tf.Rank.R1>,
    tailW: tf.variable(tf.randomNormal([2, E], 0, 0.5, 'float32', 4)) as tf.Variable<tf.Rank.R2>,
    tailB: tf.variable(tf.randomNormal([2], 0, 0.2, 'float32', 5)) as tf.Variable<tf.Rank.R1>,
  });
  // Targets in the head and in both tails.
  const ids = Int32Array.from({ length: N }, (_, i) => (i * 13 + 5) % V);

  it('is a distribution over every word, and its loss is minus the mean log-probability of the targets', () => {
    const v = vars();
    const w: SplitWeights = { emb: v.emb, bias: v.bias, tailW: v.tailW, tailB: v.tailB, splits };
    const logp = splitLogProbs(v.out, w);
    const sums = tf.sum(tf.exp(logp), 1).dataSync();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(ids, 'int32'), V)), 1).dataSync();
    const expected = -Array.from(picked).reduce((a, b) => a + b, 0) / N;
    const { ce, correct } = splitLoss(v.out, w, ids, false);
    expect(ce.dataSync()[0]).toBeCloseTo(expected, 5);
    // The two-stage argmax: right when the head ranks the word (or its tail) first and the tail the word.
    const lp = logp.arraySync();
    const bounds = [0, ...splits, V];
    let right = 0;
    for (let i = 0; i < N; i++) {
      const row = lp[i]!;
      const mass = (a: number, b: number) => Math.log(row.slice(a, b).reduce((x, y) => x + Math.exp(y), 0));
      const head = [...row.slice(0, splits[0]), ...splits.map((a, k) => mass(a, bounds[k + 2]!))];
      const top = head.indexOf(Math.max(...head));
      let guess = top;
      if (top >= splits[0]!) {
        const [a, b] = [bounds[top - splits[0]! + 1]!, bounds[top - splits[0]! + 2]!];
        const tail = row.slice(a, b);
        guess = a + tail.indexOf(Math.max(...tail));
      }
      if (guess === ids[i]) right++;
    }
    expect(correct.dataSync()[0]).toBe(right);
  });

  it('has the gradient of the same loss written with plain ops (max relative error < 1e-4)', () => {
    const v = vars();
    const all = [v.out, v.emb, v.bias, v.tailW, v.tailB];
    const w: SplitWeights = { emb: v.emb, bias: v.bias, tailW: v.tailW, tailB: v.tailB, splits };
    const fast = tf.variableGrads(() => splitLoss(v.out, w, ids, true).ce, all);
    const plain = tf.variableGrads(() => {
      const logp = splitLogProbs(v.out, w);
      return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(ids, 'int32'), V)), 1))) as tf.Scalar;
    }, all);
    expect(fast.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0]!, 5);
    for (const x of all)
      expect(maxRelError(fast.grads[x.name]!.dataSync(), plain.grads[x.name]!.dataSync()), x.name).toBeLessThan(1e-4);
  });

  it('keeps the gradient exact when a tail has no rows in the batch, and counts right rows as evaluation does', () => {
    const v = vars();
    const all = [v.out, v.emb, v.bias, v.tailW, v.tailB];
    const w: SplitWeights = { emb: v.emb, bias: v.bias, tailW: v.tailW, tailB: v.tailB, splits };
    // Head and first tail only: the last tail's words still get the gradient of being pushed down.
    const near = Int32Array.from({ length: N }, (_, i) => (i * 7 + 3) % splits[1]!);
    const fast = tf.variableGrads(() => splitLoss(v.out, w, near, true).ce, all);
    const plain = tf.variableGrads(() => {
      const logp = splitLogProbs(v.out, w);
      return tf.neg(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(tf.tensor1d(near, 'int32'), V)), 1))) as tf.Scalar;
    }, all);
    for (const x of all)
      expect(maxRelError(fast.grads[x.name]!.dataSync(), plain.grads[x.name]!.dataSync()), x.name).toBeLessThan(1e-4);
    const trained = splitLoss(v.out, w, ids, true);
    const evaluated = splitLoss(v.out, w, ids, false);
    expect(trained.correct.dataSync()[0]).toBe(evaluated.correct.dataSync()[0]);
    expect(trained.ce.dataSync()[0]).toBeCloseTo(evaluated.ce.dataSync()[0]!, 5);
  });

  it('is used above 8,192 words, and a model with it trains and evaluates', async () => {
    expect(softmaxSplits(8192)).toBeUndefined();
    expect(softmaxSplits(36_409)).toEqual([2048, 8192, 16384, 24576, 32768]);
    const config: ModelConfig = {
      vocabSize: V,
      embSize: 12,
      hiddenSize: 16,
      layers: 2,
      dropoutEmb: 0,
      dropoutInput: 0,
      dropoutHidden: 0,
      dropoutOutput: 0,
      weightDrop: 0,
      softmaxSplits: splits,
    };
    const model = new AwdLstm(config, 2);
    expect([...model.params().keys()]).toContain('tail_w');
    const opt = new Adam(model.params(), 0.7, 0.99, 0);
    const T = 12;
    const B = 2;
    const seq = Array.from({ length: T + 1 }, (_, i) => (i * 11 + 3) % V);
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        inputs[t * B + b] = seq[t]!;
        targets[t * B + b] = seq[t + 1]!;
      }
    const win = { inputs, targets, T, B };
    const before = (await evaluateWindows(model, [win])).loss;
    for (let step = 0; step < 120; step++) {
      const r = await trainStep(model, opt, win, model.zeroState(B), step, 2e-2, { alpha: 0, beta: 0, clip: 1 });
      r.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
    }
    const after = await evaluateWindows(model, [win]);
    expect(before).toBeGreaterThan(3);
    expect(after.loss).toBeLessThan(0.5);
    expect(after.accuracy).toBeGreaterThan(0.9);
    // Generation reads the exact distribution over every word.
    const { logits } = model.logits(tf.tensor2d(inputs.slice(0, B), [1, B], 'int32'), model.zeroState(B));
    expect(logits.shape).toEqual([B, V]);
    model.dispose();
    opt.dispose();
  });
});
