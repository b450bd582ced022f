import fs from 'node:fs';
import { ClaraError } from '../errors';
import { Adam } from '../model/adam';
import * as tf from '../model/tf';
import { variableOf } from '../model/tidy';
import { mulberry32, shuffled } from '../train/rng';

export interface HeadTrainOptions {
  epochs: number;
  lr: number;
  batchSize: number;
  hidden: number;
  dropout: number;
  weightDecay: number;
  seed: number;
}

export const HEAD_DEFAULTS: HeadTrainOptions = {
  epochs: 60,
  lr: 2e-3,
  batchSize: 64,
  hidden: 128,
  dropout: 0.3,
  weightDecay: 1e-2,
  seed: 1,
};

interface HeadShape {
  inputs: number;
  hidden: number;
  classes: number;
}

/**
 * The classifier on top of the pooled encoder features: standardise, one hidden ReLU layer with
 * dropout, softmax over the classes. Small on purpose: a few thousand windows are all a personal
 * library gives, and the encoder has already learnt the music.
 */
export class ClassifierHead {
  readonly params = new Map<string, tf.Variable>();
  mean: Float32Array;
  std: Float32Array;

  constructor(
    readonly shape: HeadShape,
    seed = 1,
  ) {
    const { inputs: D, hidden: H, classes: K } = shape;
    this.mean = new Float32Array(D);
    this.std = new Float32Array(D).fill(1);
    const k1 = Math.sqrt(6 / (D + H));
    const k2 = Math.sqrt(6 / (H + K));
    this.params.set(
      'w1',
      variableOf(() => tf.randomUniform([D, H], -k1, k1, 'float32', seed), true, `head_w1_${Math.random()}`),
    );
    this.params.set(
      'b1',
      variableOf(() => tf.zeros([H]), true, `head_b1_${Math.random()}`),
    );
    this.params.set(
      'w2',
      variableOf(() => tf.randomUniform([H, K], -k2, k2, 'float32', seed + 1), true, `head_w2_${Math.random()}`),
    );
    this.params.set(
      'b2',
      variableOf(() => tf.zeros([K]), true, `head_b2_${Math.random()}`),
    );
  }

  private logits(x: tf.Tensor2D, dropout: number, seed: number): tf.Tensor2D {
    const p = this.params;
    const z = tf.div(tf.sub(x, tf.tensor1d(this.mean)), tf.tensor1d(this.std));
    let h = tf.relu(tf.add(tf.matMul(z, p.get('w1') as tf.Tensor2D), p.get('b1')!));
    if (dropout > 0)
      h = tf.div(
        tf.mul(h, tf.cast(tf.greater(tf.randomUniform(h.shape, 0, 1, 'float32', seed), dropout), 'float32')),
        1 - dropout,
      );
    return tf.add(tf.matMul(h, p.get('w2') as tf.Tensor2D), p.get('b2')!) as tf.Tensor2D;
  }

  /** Class probabilities, one row of `classes` per feature row. */
  predict(features: Float32Array): Float32Array[] {
    const { inputs: D, classes: K } = this.shape;
    const n = features.length / D;
    if (n === 0) return [];
    const probs = tf.tidy(() => tf.softmax(this.logits(tf.tensor2d(features, [n, D]), 0, 0)));
    const flat = probs.dataSync() as Float32Array;
    probs.dispose();
    return Array.from({ length: n }, (_, i) => flat.slice(i * K, (i + 1) * K));
  }

  /**
   * Trains on labelled feature rows with class-balanced weights (a library rarely has as much of
   * every composer), Adam and decoupled weight decay. Returns the mean training loss per epoch.
   */
  fit(
    features: Float32Array,
    labels: Int32Array,
    o: HeadTrainOptions,
    onEpoch?: (epoch: number, loss: number) => void,
  ): number[] {
    const { inputs: D, classes: K } = this.shape;
    const n = labels.length;
    if (features.length !== n * D) throw new Error('fit: features and labels disagree');
    this.standardise(features, n);
    const counts = new Float64Array(K);
    for (const y of labels) counts[y]!++;
    const weights = Float32Array.from(counts, (c) => (c > 0 ? n / (K * c) : 0));
    const opt = new Adam(this.params, 0.9, 0.999, o.weightDecay);
    const rand = mulberry32(o.seed);
    const losses: number[] = [];
    const order = Array.from({ length: n }, (_, i) => i);
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const idx = shuffled(order, o.seed * 1000 + epoch);
      let sum = 0;
      for (let at = 0; at < n; at += o.batchSize) {
        const rows = idx.slice(at, at + o.batchSize);
        const xb = new Float32Array(rows.length * D);
        const yb = new Int32Array(rows.length);
        rows.forEach((r, i) => {
          xb.set(features.subarray(r * D, (r + 1) * D), i * D);
          yb[i] = labels[r]!;
        });
        const seed = Math.floor(rand() * 2 ** 31);
        const { value, grads } = tf.variableGrads(() => {
          const logits = this.logits(tf.tensor2d(xb, [rows.length, D]), o.dropout, seed);
          const y = tf.tensor1d(yb, 'int32');
          const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(y, K), tf.logSoftmax(logits)), 1));
          const w = tf.sum(tf.mul(tf.oneHot(y, K), tf.tensor1d(weights)), 1);
          return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tf.Scalar;
        }, [...this.params.values()]);
        sum += value.dataSync()[0]! * rows.length;
        value.dispose();
        const named = new Map<string, tf.Tensor>();
        for (const [name, v] of this.params) named.set(name, grads[v.name]!);
        opt.apply(named, o.lr);
        for (const g of Object.values(grads)) g.dispose();
      }
      losses.push(sum / n);
      onEpoch?.(epoch + 1, sum / n);
    }
    opt.dispose();
    return losses;
  }

  private standardise(features: Float32Array, n: number): void {
    const D = this.shape.inputs;
    const mean = new Float64Array(D);
    const sq = new Float64Array(D);
    for (let i = 0; i < n; i++)
      for (let d = 0; d < D; d++) {
        const v = features[i * D + d]!;
        mean[d]! += v;
        sq[d]! += v * v;
      }
    for (let d = 0; d < D; d++) {
      const m = mean[d]! / n;
      this.mean[d] = m;
      this.std[d] = Math.sqrt(Math.max(sq[d]! / n - m * m, 0)) + 1e-4;
    }
  }

  /** Everything the head needs, as one float32 file: mean, std, then each weight in order. */
  save(file: string): void {
    const parts = [this.mean, this.std, ...[...this.params.values()].map((v) => v.dataSync() as Float32Array)];
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    fs.writeFileSync(file, Buffer.from(all.buffer, all.byteOffset, all.byteLength));
  }

  static load(file: string, shape: HeadShape): ClassifierHead {
    const head = new ClassifierHead(shape);
    const buf = fs.readFileSync(file);
    const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    const D = shape.inputs;
    const want = 2 * D + [...head.params.values()].reduce((a, v) => a + v.size, 0);
    if (all.length !== want)
      throw new ClaraError(`has ${all.length} numbers, the head needs ${want}`, 'bad-classifier', file);
    head.mean = all.slice(0, D);
    head.std = all.slice(D, 2 * D);
    let at = 2 * D;
    for (const v of head.params.values()) {
      const t = tf.tensor(all.slice(at, at + v.size), v.shape);
      v.assign(t);
      t.dispose();
      at += v.size;
    }
    return head;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
