import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import { modelConfigFor, PRESETS } from './presets';
import * as tf from './tf';
import { trainStep } from './trainStep';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('training memory', () => {
  it('holds the weights and the two Adam moments and nothing else, step after step', async () => {
    const p = PRESETS.tiny;
    // A split-softmax vocabulary, so the tail's weights are counted too.
    const config = modelConfigFor(p, 9000);
    const before = tf.memory();
    const model = new AwdLstm(config);
    const opt = new Adam(model.params(), p.beta1, p.beta2, 1e-6);
    const weightBytes = [...model.params().values()].reduce((n, v) => n + v.size * 4, 0);
    const held = () => tf.memory().numBytes - before.numBytes;
    // Before: every variable's initial value (random draws, zeros) stayed alive beside its copy.
    expect(held()).toBe(3 * weightBytes);
    const T = 8;
    const B = 4;
    const ids = Int32Array.from({ length: T * B }, (_, i) => 3 + ((i * 997) % (config.vocabSize - 3)));
    let state = model.zeroState(B);
    for (let step = 0; step < 3; step++) {
      const r = await trainStep(model, opt, { inputs: ids, targets: ids, T, B }, state, step, 1e-3, {
        alpha: p.alpha,
        beta: p.beta,
        clip: p.clip,
      });
      state = r.state;
      const stateBytes = state.reduce((n, s) => n + (s.h.size + s.c.size) * 4, 0);
      expect(held()).toBe(3 * weightBytes + stateBytes);
    }
    for (const s of state) tf.dispose([s.h, s.c]);
    opt.dispose();
    model.dispose();
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
