import { beforeAll, describe, expect, it } from 'vitest';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import * as tf from './tf';

beforeAll(async () => {
  // The backend training runs on, with its replaced Slice/Concat/Unpack kernels.
  await initBackend('wasm');
});

/**
 * Central finite differences of the full training loss (embedding dropout, locked dropout, weight
 * drop, AR/TAR, tied decoder) against the hand-written LSTM backward. The dropout seed is fixed, so
 * every evaluation sees the same masks and the loss is a smooth function of the weights.
 */
describe('AWD-LSTM gradient under dropout masks', () => {
  it('matches finite differences in every parameter', () => {
    const V = 7;
    const T = 5;
    const B = 3;
    const model = new AwdLstm(
      {
        vocabSize: V,
        embSize: 4,
        hiddenSize: 6,
        layers: 2,
        dropoutEmb: 0.2,
        dropoutInput: 0.3,
        dropoutHidden: 0.3,
        dropoutOutput: 0.3,
        weightDrop: 0.3,
      },
      3,
    );
    const ids = Array.from({ length: T * B + B }, (_, i) => (i * 5 + ((i * i) % 3)) % V);
    const tokens = tf.tensor2d(ids.slice(0, T * B), [T, B], 'int32');
    const targets = tf.tensor2d(ids.slice(B), [T, B], 'int32');
    // A non-zero carried state, as in truncated BPTT after the first window.
    const state = () =>
      model
        .zeroState(B)
        .map((s, l) => ({ h: tf.add(s.h, 0.1 * (l + 1)) as tf.Tensor2D, c: tf.sub(s.c, 0.2) as tf.Tensor2D }));
    const seed = 12345;
    const reg = { alpha: 2, beta: 1 };
    const lossAt = (): number =>
      tf.tidy(() => {
        const out = model.forwardTrain(tokens, targets, state(), seed, reg);
        out.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
        return out.loss.dataSync()[0]!;
      });
    const params = model.params();
    const { grads } = tf.variableGrads(() => {
      const out = model.forwardTrain(tokens, targets, state(), seed, reg);
      out.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
      return out.loss;
    }, [...params.values()]);
    const eps = 3e-3;
    for (const [name, v] of params) {
      const g = grads[v.name]!.dataSync();
      const w = v.dataSync().slice();
      // The largest-gradient entries, where float32 differences are well above rounding.
      const order = [...g.keys()].sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!)).slice(0, 3);
      for (const k of order) {
        const probe = (d: number): number => {
          const x = w.slice();
          x[k] = x[k]! + d;
          v.assign(tf.tensor(x, v.shape));
          return lossAt();
        };
        const fd = (probe(eps) - probe(-eps)) / (2 * eps);
        v.assign(tf.tensor(w, v.shape));
        expect(Math.abs(fd - g[k]!), `${name}[${k}] analytic ${g[k]} numeric ${fd}`).toBeLessThan(
          2e-2 * Math.abs(g[k]!) + 2e-4,
        );
      }
    }
  });
});
