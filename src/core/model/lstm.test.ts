import * as tf from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { lstmInfer, lstmTrain, type LstmWeights } from './lstm';

/** The textbook LSTM, op by op, for tf.grad to differentiate. Gate order i, f, o, g. */
function reference(x: tf.Tensor3D, w: LstmWeights, h0: tf.Tensor2D, c0: tf.Tensor2D): tf.Tensor3D {
  const [T] = x.shape;
  const H = w.wh.shape[0];
  let h = h0;
  let c = c0;
  const hs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const xt = tf.squeeze(tf.slice(x, [t, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
    const z = tf.add(tf.add(tf.matMul(xt, w.wx), tf.matMul(h, w.wh)), w.b);
    const i = tf.sigmoid(tf.slice(z, [0, 0], [-1, H]));
    const f = tf.sigmoid(tf.slice(z, [0, H], [-1, H]));
    const o = tf.sigmoid(tf.slice(z, [0, 2 * H], [-1, H]));
    const g = tf.tanh(tf.slice(z, [0, 3 * H], [-1, H]));
    c = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
    h = tf.mul(o, tf.tanh(c)) as tf.Tensor2D;
    hs.push(h);
  }
  return tf.stack(hs) as tf.Tensor3D;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fused LSTM layer', () => {
  const T = 5;
  const B = 3;
  const I = 4;
  const H = 6;
  const seed = (n: number) => tf.randomUniform([n], -0.5, 0.5, 'float32', 7);
  const make = (): { x: tf.Tensor3D; w: LstmWeights; h0: tf.Tensor2D; c0: tf.Tensor2D; probe: tf.Tensor3D } => ({
    x: tf.randomNormal([T, B, I], 0, 1, 'float32', 1) as tf.Tensor3D,
    w: {
      wx: tf.randomNormal([I, 4 * H], 0, 0.5, 'float32', 2) as tf.Tensor2D,
      wh: tf.randomNormal([H, 4 * H], 0, 0.5, 'float32', 3) as tf.Tensor2D,
      b: tf.reshape(seed(4 * H), [4 * H]) as tf.Tensor1D,
    },
    h0: tf.randomNormal([B, H], 0, 0.5, 'float32', 4) as tf.Tensor2D,
    c0: tf.randomNormal([B, H], 0, 0.5, 'float32', 5) as tf.Tensor2D,
    // A fixed random projection of the output makes a scalar loss that exercises every output.
    probe: tf.randomNormal([T, B, H], 0, 1, 'float32', 6) as tf.Tensor3D,
  });

  it('computes the same outputs as the op-by-op formulation', () => {
    const { x, w, h0, c0 } = make();
    const fused = lstmInfer(x, w, { h: h0, c: c0 });
    const trained = lstmTrain(x, w, { h: h0, c: c0 });
    const ref = reference(x, w, h0, c0);
    expect(tf.max(tf.abs(tf.sub(fused.output, ref))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(trained.output, ref))).dataSync()[0]).toBeLessThan(1e-5);
    const lastRef = tf.squeeze(tf.slice(ref, [T - 1, 0, 0], [1, -1, -1]), [0]);
    expect(tf.max(tf.abs(tf.sub(trained.state.h, lastRef))).dataSync()[0]).toBeLessThan(1e-5);
  });

  it('has gradients equal to tf.grad of the plain formulation (gradient check)', () => {
    const { x, w, h0, c0, probe } = make();
    const lossFused = (xi: tf.Tensor, wx: tf.Tensor, wh: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          lstmTrain(
            xi as tf.Tensor3D,
            { wx: wx as tf.Tensor2D, wh: wh as tf.Tensor2D, b: b as tf.Tensor1D },
            { h: h0, c: c0 },
          ).output,
          probe,
        ),
      );
    const lossRef = (xi: tf.Tensor, wx: tf.Tensor, wh: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          reference(xi as tf.Tensor3D, { wx: wx as tf.Tensor2D, wh: wh as tf.Tensor2D, b: b as tf.Tensor1D }, h0, c0),
          probe,
        ),
      );
    const gf = tf.grads(lossFused)([x, w.wx, w.wh, w.b]);
    const gr = tf.grads(lossRef)([x, w.wx, w.wh, w.b]);
    ['x', 'wx', 'wh', 'b'].forEach((name, k) => {
      const err = tf.max(tf.abs(tf.sub(gf[k]!, gr[k]!))).dataSync()[0]!;
      const scale = tf.max(tf.abs(gr[k]!)).dataSync()[0]!;
      expect(err / scale, name).toBeLessThan(1e-4);
    });
  });

  it('does not leak tensors across a training step', () => {
    const { x, w, h0, c0, probe } = make();
    const before = tf.memory().numTensors;
    const g = tf.tidy(() =>
      tf.grads((wx: tf.Tensor) =>
        tf.sum(tf.mul(lstmTrain(x, { ...w, wx: wx as tf.Tensor2D }, { h: h0, c: c0 }).output, probe)),
      )([w.wx]),
    );
    g.forEach((t) => t.dispose());
    // Only the detached final state (h, c) of the last call survives, by design.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(4);
  });
});
