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
  it('overfits a short sequence to near-zero loss', async () => {
    const V = 12;
    const T = 16;
    const B = 2;
    const p = PRESETS.tiny;
    const model = new AwdLstm({
      vocabSize: V,
      embSize: 16,
      hiddenSize: 32,
      layers: 2,
      dropoutEmb: 0,
      dropoutInput: 0,
      dropoutHidden: 0,
      dropoutOutput: 0,
      weightDrop: 0,
    });
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
      const r = await trainStep(model, opt, { inputs, targets, T, B }, model.zeroState(B), step, 1e-2, {
        alpha: 0,
        beta: 0,
        clip: 1,
      });
      r.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
      if (step === 0) first = r.ce;
      last = r.ce;
    }
    expect(first).toBeGreaterThan(2);
    expect(last).toBeLessThan(0.05);
    // No tensor leaks step over step (the zero states made per call are disposed inside).
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(0);
    // Variable names are global: free them for the next model in this file.
    model.dispose();
    opt.dispose();
  });
});

describe('AWD-LSTM initialisation', () => {
  it("matches PyTorch's nn.LSTM and awd-lstm-lm: biases are two uniforms ±1/√H summed, no forget-gate offset", () => {
    const model = new AwdLstm(
      {
        vocabSize: 40,
        embSize: 64,
        hiddenSize: 256,
        layers: 2,
        dropoutEmb: 0,
        dropoutInput: 0,
        dropoutHidden: 0,
        dropoutOutput: 0,
        weightDrop: 0,
      },
      5,
    );
    const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs(model.emb.dataSync())).toBeLessThanOrEqual(0.1);
    expect([...model.decBias.dataSync()].every((v) => v === 0)).toBe(true);
    model.layers.forEach((l) => {
      const H = l.wh.shape[0];
      const k = 1 / Math.sqrt(H);
      for (const w of [l.wx, l.wh]) expect(maxAbs(w.dataSync())).toBeLessThanOrEqual(k);
      const b = Array.from(l.b.dataSync());
      // Gate order i, f, o, g: every block, the forget gate's included, is centred on 0.
      for (let gate = 0; gate < 4; gate++) {
        const block = b.slice(gate * H, (gate + 1) * H);
        const mean = block.reduce((s, v) => s + v, 0) / H;
        const sd = Math.sqrt(block.reduce((s, v) => s + (v - mean) ** 2, 0) / H);
        expect(Math.abs(mean), `gate ${gate} mean`).toBeLessThan(0.25 * k);
        // The sum of two U(-k, k) has standard deviation k·√(2/3) and reaches past ±k.
        expect(sd / (k * Math.sqrt(2 / 3)), `gate ${gate} spread`).toBeGreaterThan(0.8);
        expect(sd / (k * Math.sqrt(2 / 3)), `gate ${gate} spread`).toBeLessThan(1.2);
        expect(maxAbs(block)).toBeLessThanOrEqual(2 * k);
      }
    });
    model.dispose();
  });
});
