import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { embeddingDropout } from './embeddingDropout';
import { lockedDropout } from './lockedDropout';
import * as tf from './tf';
import { weightDrop } from './weightDrop';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('regularisers', () => {
  it('weight drop masks the recurrent matrix in training only, scaling what it keeps', () => {
    const wh = tf.ones([40, 80]) as tf.Tensor2D;
    expect(weightDrop(wh, 0.5, false, 1)).toBe(wh);
    const d = weightDrop(wh, 0.5, true, 1).dataSync();
    const zeros = d.filter((x) => x === 0).length / d.length;
    expect(zeros).toBeGreaterThan(0.4);
    expect(zeros).toBeLessThan(0.6);
    expect(new Set(d)).toEqual(new Set([0, 2]));
  });

  it('weight drop touches only the recurrent weights of the model', async () => {
    const { AwdLstm } = await import('./awdLstm');
    const model = new AwdLstm({
      vocabSize: 10,
      embSize: 4,
      hiddenSize: 6,
      layers: 2,
      dropoutEmb: 0,
      dropoutInput: 0,
      dropoutHidden: 0,
      dropoutOutput: 0,
      weightDrop: 0.9,
    });
    // With every dropout but weight drop at zero, zeroing the recurrent weights reproduces training's forward pass.
    const tokens = tf.tensor2d(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [3, 2],
      'int32',
    );
    const state = () => model.zeroState(2);
    const out = model.forwardTrain(tokens, tokens, state(), 7, { alpha: 0, beta: 0 });
    const saved = model.layers.map((l) => l.wh.clone());
    model.layers.forEach((l) => l.wh.assign(tf.zerosLike(l.wh)));
    const noRecurrent = model.forwardTrain(tokens, tokens, state(), 7, { alpha: 0, beta: 0 });
    model.layers.forEach((l, i) => l.wh.assign(saved[i]!));
    // p = 0.9 drops most, not all, recurrent weights: the two differ but stay close.
    expect(Math.abs(out.ce.dataSync()[0]! - noRecurrent.ce.dataSync()[0]!)).toBeLessThan(0.05);
    const evalA = model.forwardEval(tokens, tokens, state()).ce.dataSync()[0]!;
    const evalB = model.forwardEval(tokens, tokens, state()).ce.dataSync()[0]!;
    expect(evalA).toBe(evalB);
  });

  it('locked dropout drops the same units at every time step', () => {
    const x = tf.ones([6, 3, 50]) as tf.Tensor3D;
    expect(lockedDropout(x, 0.3, false, 1)).toBe(x);
    const y = lockedDropout(x, 0.3, true, 2).arraySync();
    for (let t = 1; t < 6; t++) expect(y[t]).toEqual(y[0]);
    expect(y[0]!.flat().filter((v) => v === 0).length).toBeGreaterThan(10);
  });

  it('embedding dropout removes whole words', () => {
    const emb = tf.ones([200, 8]) as tf.Tensor2D;
    const rows = embeddingDropout(emb, 0.5, true, 3).arraySync();
    for (const r of rows) expect(new Set(r).size).toBe(1);
    const dropped = rows.filter((r) => r[0] === 0).length;
    expect(dropped).toBeGreaterThan(60);
    expect(dropped).toBeLessThan(140);
  });
});
