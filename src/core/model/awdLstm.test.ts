import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import { PRESETS } from './presets';
import * as tf from './tf';
import { trainStep } from './trainStep';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('AWD-LSTM', () => {
  it('overfits a short sequence to near-zero loss', () => {
    const V = 12;
    const T = 16;
    const B = 2;
    const p = PRESETS.tiny;
    const model = new AwdLstm({ vocabSize: V, embSize: 16, hiddenSize: 32, layers: 2, dropoutEmb: 0, dropoutInput: 0, dropoutHidden: 0, dropoutOutput: 0, weightDrop: 0 });
    const opt = new Adam(model.params(), p.beta1, p.beta2, 0);
    const seq = Array.from({ length: T + 1 }, (_, i) => (i * 5 + (i % 3)) % V);
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++) {
        inputs[t * B + b] = seq[t]!;
        targets[t * B + b] = seq[t + 1]!;
      }
    let first = 0;
    let last = 0;
    const before = tf.memory().numTensors;
    for (let step = 0; step < 250; step++) {
      const r = trainStep(model, opt, { inputs, targets, T, B }, model.zeroState(B), step, 1e-2, { alpha: 0, beta: 0, clip: 1 });
      r.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
      if (step === 0) first = r.ce;
      last = r.ce;
    }
    expect(first).toBeGreaterThan(2);
    expect(last).toBeLessThan(0.05);
    // No tensor leaks step over step (the zero states made per call are disposed inside).
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(0);
  });
});
