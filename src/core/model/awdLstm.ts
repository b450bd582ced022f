import type { BatchRows } from './batchRows';
import { decoderLoss, decoderLossEval } from './decoderLoss';
import { embeddingDropMask } from './embeddingDropout';
import { splitDecoder, splitLoss, type OutputDecoder, type SplitWeights } from './splitSoftmax';
import { embeddingLookup } from './embeddingLookup';
import { lockedDropout } from './lockedDropout';
import { lstmInfer, lstmTrain, type LstmState } from './lstm';
import { layerSizes, type ModelConfig } from './presets';
import * as tf from './tf';
import { variableOf } from './tidy';
import { weightDrop } from './weightDrop';

export interface LayerParams {
  wx: tf.Variable<tf.Rank.R2>;
  wh: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R1>;
}

/** Named parameters, in a stable order: what checkpoints store and the optimizer updates. */
export type ParamMap = Map<string, tf.Variable>;

export interface ForwardOut {
  loss: tf.Scalar;
  /** Cross-entropy alone, for reporting. */
  ce: tf.Scalar;
  correct: tf.Scalar;
}

/**
 * The AWD-LSTM language model of Merity et al. (2017) as Clara used it: embedding (with embedding
 * dropout), stacked LSTMs with weight-dropped recurrent matrices and locked dropout on inputs,
 * between layers and on outputs, and a decoder tied to the embedding. Training adds activation (AR)
 * and temporal activation (TAR) regularisation to the cross-entropy.
 */
export class AwdLstm {
  readonly emb: tf.Variable<tf.Rank.R2>;
  readonly decBias: tf.Variable<tf.Rank.R1>;
  readonly layers: LayerParams[];
  /** The split softmax's tail logits in the head (splitSoftmax.ts), when the config has splits. */
  readonly tail: { w: tf.Variable<tf.Rank.R2>; b: tf.Variable<tf.Rank.R1> } | null;

  constructor(
    readonly config: ModelConfig,
    seed = 1,
  ) {
    const { vocabSize: V, embSize: E } = config;
    this.emb = variableOf(() => tf.randomUniform([V, E], -0.1, 0.1, 'float32', seed), true, 'emb');
    this.decBias = variableOf(() => tf.zeros([V]), true, 'dec_b');
    this.layers = layerSizes(config).map(({ input, hidden }, l) => {
      const k = 1 / Math.sqrt(hidden);
      // PyTorch's nn.LSTM initialisation, which awd-lstm-lm keeps: weights U(±1/√H), and the bias is
      // its two biases (input and hidden) summed, each U(±1/√H). A forget-gate bias of 1 made
      // training spike near the peak learning rate (validation loss 5–7 at steps 20–40, in PyTorch
      // as in ours) and cost ~0.2–0.4 nats at equal tokens: bench/torch-compare.ts.
      return {
        wx: variableOf(
          () => tf.randomUniform([input, 4 * hidden], -k, k, 'float32', seed * 100 + 2 * l + 1),
          true,
          `l${l}_wx`,
        ),
        wh: variableOf(
          () => tf.randomUniform([hidden, 4 * hidden], -k, k, 'float32', seed * 100 + 2 * l + 2),
          true,
          `l${l}_wh`,
        ),
        b: variableOf(
          () =>
            tf.add(
              tf.randomUniform([4 * hidden], -k, k, 'float32', seed * 100 + 50 + 2 * l),
              tf.randomUniform([4 * hidden], -k, k, 'float32', seed * 100 + 51 + 2 * l),
            ),
          true,
          `l${l}_b`,
        ),
      };
    });
    const K = config.softmaxSplits?.length ?? 0;
    this.tail = K
      ? {
          // Like the embedding rows they sit beside in the head's softmax.
          w: variableOf(() => tf.randomUniform([K, E], -0.1, 0.1, 'float32', seed * 100 + 99), true, 'tail_w'),
          b: variableOf(() => tf.zeros([K]), true, 'tail_b'),
        }
      : null;
  }

  /** The targets' ids on the CPU, which the split softmax routes rows by. */
  private needIds(ids: Int32Array | undefined): Int32Array {
    if (!ids) throw new Error('a split-softmax model needs the target ids on the CPU');
    return ids;
  }

  private splitWeights(): SplitWeights {
    return {
      emb: this.emb,
      bias: this.decBias,
      tailW: this.tail!.w,
      tailB: this.tail!.b,
      splits: this.config.softmaxSplits!,
    };
  }

  params(): ParamMap {
    const m: ParamMap = new Map([
      ['emb', this.emb as tf.Variable],
      ['dec_b', this.decBias as tf.Variable],
    ]);
    this.layers.forEach((l, i) => {
      m.set(`l${i}_wx`, l.wx);
      m.set(`l${i}_wh`, l.wh);
      m.set(`l${i}_b`, l.b);
    });
    if (this.tail) {
      m.set('tail_w', this.tail.w as tf.Variable);
      m.set('tail_b', this.tail.b as tf.Variable);
    }
    return m;
  }

  paramCount(): number {
    let n = 0;
    for (const v of this.params().values()) n += v.size;
    return n;
  }

  zeroState(batch: number): LstmState[] {
    return layerSizes(this.config).map(({ hidden }) => ({
      h: tf.zeros([batch, hidden]) as tf.Tensor2D,
      c: tf.zeros([batch, hidden]) as tf.Tensor2D,
    }));
  }

  /**
   * The rows of the tokens, by lookup with a sparse gradient (embeddingLookup.ts). Embedding dropout
   * (a keep-mask over words, [V, 1]) is applied to the rows looked up, which is the same as
   * dropping rows of the whole table and costs N·E, not V·E.
   */
  private embed(tokens: tf.Tensor2D, wordMask?: tf.Tensor): tf.Tensor3D {
    const [T, B] = tokens.shape;
    const ids = tf.reshape(tokens, [T * B]) as tf.Tensor1D;
    let rows = embeddingLookup(this.emb, ids);
    if (wordMask) rows = tf.mul(rows, tf.gather(wordMask, ids)) as tf.Tensor2D;
    return tf.reshape(rows, [T, B, this.config.embSize]) as tf.Tensor3D;
  }

  /**
   * Training forward pass: returns the regularised loss (differentiable in every variable) and the
   * next hidden states (detached). `seed` varies the dropout masks from step to step. Given `rows`,
   * the tokens are that share of a larger batch: masks are the whole batch's, and the loss and
   * cross-entropy are weighted by the share, so the shares' gradients and values sum to the batch's.
   */
  forwardTrain(
    tokens: tf.Tensor2D,
    targets: tf.Tensor2D,
    state: LstmState[],
    seed: number,
    reg: { alpha: number; beta: number },
    rows?: BatchRows,
    targetIds?: Int32Array,
  ): ForwardOut & { state: LstmState[] } {
    const c = this.config;
    const next: LstmState[] = [];
    let x = lockedDropout(
      this.embed(tokens, embeddingDropMask(c.vocabSize, c.dropoutEmb, true, seed) ?? undefined),
      c.dropoutInput,
      true,
      seed + 1,
      rows,
    );
    let raw = x;
    this.layers.forEach((l, i) => {
      const wh = weightDrop(l.wh, c.weightDrop, true, seed + 10 + i);
      const r = lstmTrain(x, { wx: l.wx, wh, b: l.b }, state[i]!);
      next.push(r.state);
      raw = r.output;
      x = i < this.layers.length - 1 ? lockedDropout(r.output, c.dropoutHidden, true, seed + 20 + i, rows) : r.output;
    });
    const dropped = lockedDropout(raw, c.dropoutOutput, true, seed + 30, rows);
    const [T, B, E] = dropped.shape;
    const flat = tf.reshape(dropped, [T * B, E]) as tf.Tensor2D;
    const scored = this.tail
      ? splitLoss(flat, this.splitWeights(), this.needIds(targetIds), true)
      : decoderLoss(flat, this.emb, this.decBias, tf.reshape(targets, [-1]) as tf.Tensor1D);
    const { correct } = scored;
    // Every term below is a mean over the share's rows: weighting each by the share makes the sum
    // over shares the mean over the whole batch.
    const share = rows && rows.count !== rows.total ? rows.count / rows.total : 1;
    const weigh = (t: tf.Scalar): tf.Scalar => (share === 1 ? t : (tf.mul(t, share) as tf.Scalar));
    const ce = weigh(scored.ce);
    let loss = ce;
    if (reg.alpha > 0)
      loss = tf.add(loss, weigh(tf.mul(reg.alpha, tf.mean(tf.square(dropped))) as tf.Scalar)) as tf.Scalar;
    if (reg.beta > 0 && T > 1) {
      const diff = tf.sub(tf.slice(raw, [1, 0, 0], [T - 1, -1, -1]), tf.slice(raw, [0, 0, 0], [T - 1, -1, -1]));
      loss = tf.add(loss, weigh(tf.mul(reg.beta, tf.mean(tf.square(diff))) as tf.Scalar)) as tf.Scalar;
    }
    return { loss, ce, correct, state: next };
  }

  /** Evaluation: no dropout, no gradient bookkeeping. */
  forwardEval(
    tokens: tf.Tensor2D,
    targets: tf.Tensor2D,
    state: LstmState[],
    targetIds?: Int32Array,
  ): { ce: tf.Scalar; correct: tf.Scalar; state: LstmState[] } {
    const flat = tf.tidy(() => {
      const { output, state: next } = this.encode(tokens, state);
      const [T, B, E] = output.shape;
      const flat = tf.reshape(output, [T * B, E]) as tf.Tensor2D;
      const { ce, correct } = this.tail
        ? splitLoss(flat, this.splitWeights(), this.needIds(targetIds), false)
        : decoderLossEval(flat, this.emb, this.decBias, tf.reshape(targets, [-1]) as tf.Tensor1D);
      return [ce, correct, ...next.flatMap((s) => [s.h, s.c])];
    });
    const [ce, correct, ...hc] = flat;
    const next: LstmState[] = [];
    for (let i = 0; i < hc.length; i += 2) next.push({ h: hc[i] as tf.Tensor2D, c: hc[i + 1] as tf.Tensor2D });
    return { ce: ce as tf.Scalar, correct: correct as tf.Scalar, state: next };
  }

  /**
   * The output layer for inference, its weights prepared once: generation scores every step with
   * it and disposes it after. The weights are read when it is made, so it goes stale on training.
   */
  decoder(): OutputDecoder {
    if (this.tail) return splitDecoder(this.splitWeights());
    const eT = tf.tidy(() => tf.transpose(this.emb)) as tf.Tensor2D;
    return {
      logits: (out) => tf.tidy(() => tf.add(tf.matMul(out, eT), this.decBias) as tf.Tensor2D),
      dispose: () => eT.dispose(),
    };
  }

  /** Next-token logits for every position, without dropout: what the checks compare. */
  logits(tokens: tf.Tensor2D, state: LstmState[]): { logits: tf.Tensor2D; state: LstmState[] } {
    const { output, state: next } = this.encode(tokens, state);
    const [T, B, E] = output.shape;
    const d = this.decoder();
    try {
      return { logits: d.logits(tf.reshape(output, [T * B, E]) as tf.Tensor2D), state: next };
    } finally {
      d.dispose();
    }
  }

  /** The last LSTM layer's output [T, B, E] without dropout: what the critic and classifiers read. */
  encode(tokens: tf.Tensor2D, state: LstmState[]): { output: tf.Tensor3D; state: LstmState[] } {
    let x = this.embed(tokens);
    const next: LstmState[] = [];
    this.layers.forEach((l, i) => {
      const r = lstmInfer(x, { wx: l.wx, wh: l.wh, b: l.b }, state[i]!);
      next.push(r.state);
      x = r.output;
    });
    return { output: x, state: next };
  }

  dispose(): void {
    for (const v of this.params().values()) v.dispose();
  }
}
