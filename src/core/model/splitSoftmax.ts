import { decoderLossEval, lossWithGradients, scaledBy } from './decoderLoss';
import * as tf from './tf';

/**
 * The split softmax of awd-lstm-lm (splitcross.py, which it uses for WikiText-103's 267k words),
 * for large chordwise vocabularies. Words are in frequency order; `splits` cut them into a head
 * [0, s₀) and tails [s₀, s₁), …, [s_last, V). The head's softmax runs over its words plus one
 * "tail" logit per tail (weights `tailW`, `tailB`); a tail word's probability is its tail's head
 * probability times its probability within the tail:
 *     log p(w) = log softmax(head)[tail k] + log softmax(tail k)[w].
 * Training computes a tail's logits only for the rows whose target lies in it, so a step costs
 * about N·(s₀ + K) + Σ N_k·|tail k| logits instead of N·V. The model is a proper distribution and
 * its cross-entropy is exact (reported as is); generation draws from the exact distribution over
 * all V words (splitLogProbs). The decoder stays tied: every word's output row is its embedding.
 */

/** Words in a tail at most: a tail's [E, words] gradient and logits stay near 8 MB at E = 256. */
const TAIL_WORDS = 8192;

/**
 * The splits for a vocabulary: none up to 8,192 words (the full softmax is cheap), else a head of
 * the 2,048 commonest and tails of at most 8,192 words: [2048, 8192, 16384, …]. One tail for all the
 * rare words (36,409 chords: 28,217 in it) held several 29 MB copies at once in every thread; the
 * wasm heap keeps its high-water mark, so that was memory lost for the whole run.
 */
export function softmaxSplits(vocabSize: number): number[] | undefined {
  if (vocabSize <= TAIL_WORDS) return undefined;
  const splits = [2048];
  for (let s = TAIL_WORDS; s < vocabSize; s += TAIL_WORDS) splits.push(s);
  return splits;
}

export interface SplitWeights {
  emb: tf.Tensor2D;
  bias: tf.Tensor1D;
  tailW: tf.Tensor2D;
  tailB: tf.Tensor1D;
  splits: readonly number[];
}

function headWeights(w: SplitWeights): { W: tf.Tensor2D; b: tf.Tensor1D } {
  const [, E] = w.emb.shape;
  const s0 = w.splits[0]!;
  return tf.tidy(() => ({
    W: tf.concat([tf.slice(w.emb, [0, 0], [s0, E]), w.tailW], 0) as tf.Tensor2D,
    b: tf.concat([tf.slice(w.bias, [0], [s0]), w.tailB], 0) as tf.Tensor1D,
  }));
}

/** [start, end) of each tail. */
function tails(w: SplitWeights): Array<[number, number]> {
  const V = w.emb.shape[0];
  return w.splits.map((s, k) => [s, w.splits[k + 1] ?? V]);
}

/** Each row's place in the split: its head target (its word, or its tail's logit) and the rows of each tail. */
function route(w: SplitWeights, targetIds: Int32Array): { headTarget: Int32Array; rowsOf: number[][] } {
  const s0 = w.splits[0]!;
  const spans = tails(w);
  const headTarget = new Int32Array(targetIds.length);
  const rowsOf: number[][] = spans.map(() => []);
  targetIds.forEach((t, i) => {
    if (t < s0) {
      headTarget[i] = t;
      return;
    }
    const k = spans.findIndex(([a, b]) => t >= a && t < b);
    headTarget[i] = s0 + k;
    rowsOf[k]!.push(i);
  });
  return { headTarget, rowsOf };
}

/**
 * Mean cross-entropy of the targets (ids on the CPU, to route each row) and the count of rows whose
 * target the model ranks first in the head and then in its tail; `train` adds the gradient.
 */
export function splitLoss(
  out: tf.Tensor2D,
  w: SplitWeights,
  targetIds: Int32Array,
  train: boolean,
): { ce: tf.Scalar; correct: tf.Scalar } {
  return train ? splitLossTrain(out, w, targetIds) : tidyScores(() => splitLossEval(out, w, targetIds));
}

function tidyScores(fn: () => { ce: tf.Scalar; correct: tf.Scalar }): { ce: tf.Scalar; correct: tf.Scalar } {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as { ce: tf.Scalar; correct: tf.Scalar };
}

/** A row is right when the head ranks its word (or its tail) first and, for a tail word, its tail ranks it first too. */
function countCorrect(
  headHits: tf.Tensor1D,
  headTarget: Int32Array,
  s0: number,
  tailHits: Array<[number[], tf.Tensor1D]>,
): tf.Scalar {
  return tf.tidy(() => {
    const isHeadRow = Float32Array.from(headTarget, (t) => (t < s0 ? 1 : 0));
    let correct = tf.sum(tf.mul(headHits, tf.tensor1d(isHeadRow))) as tf.Scalar;
    for (const [rows, hits] of tailHits)
      correct = tf.add(
        correct,
        tf.sum(tf.mul(tf.gather(headHits, tf.tensor1d(Int32Array.from(rows), 'int32')), hits)),
      ) as tf.Scalar;
    return correct;
  });
}

/**
 * What a tail's loss reads: the rows whose target lies in it, its words' embeddings and biases, and
 * the targets as ids within the tail. `idx` is the rows as a tensor, where the caller needs it too.
 */
function tailInputs(
  out: tf.Tensor2D,
  emb: tf.Tensor2D,
  bias: tf.Tensor1D,
  targetIds: Int32Array,
  rows: number[],
  a: number,
  b: number,
  idx: tf.Tensor1D = tf.tensor1d(Int32Array.from(rows), 'int32'),
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D] {
  const E = emb.shape[1];
  return [
    tf.gather(out, idx),
    tf.slice(emb, [a, 0], [b - a, E]),
    tf.slice(bias, [a], [b - a]),
    tf.tensor1d(
      Int32Array.from(rows, (i) => targetIds[i]! - a),
      'int32',
    ),
  ];
}

function splitLossEval(
  out: tf.Tensor2D,
  w: SplitWeights,
  targetIds: Int32Array,
): { ce: tf.Scalar; correct: tf.Scalar } {
  const N = targetIds.length;
  const { headTarget, rowsOf } = route(w, targetIds);
  const head = headWeights(w);
  const h = decoderLossEval(out, head.W, head.b, tf.tensor1d(headTarget, 'int32'), { rowHits: true });
  let ce = h.ce;
  const tailHits: Array<[number[], tf.Tensor1D]> = [];
  tails(w).forEach(([a, b], k) => {
    const rows = rowsOf[k]!;
    if (rows.length === 0) return;
    const t = decoderLossEval(...tailInputs(out, w.emb, w.bias, targetIds, rows, a, b), { rowHits: true });
    // Its mean is over its own rows: weighted by their share of the batch.
    ce = tf.add(ce, tf.mul(t.ce, rows.length / N)) as tf.Scalar;
    tailHits.push([rows, t.hits!]);
  });
  return { ce, correct: countCorrect(h.hits!, headTarget, w.splits[0]!, tailHits) };
}

/**
 * Training: one custom gradient for the whole split loss. Each part (the head, then each tail over
 * its own rows) computes its loss and gradient block by block with the forward pass
 * (decoderLoss.ts), and the parts' embedding gradients are joined into one [V, E] tensor. Left to
 * autodiff, every slice of the embedding got its own gradient padded to the whole table, summed
 * one by one: at 36,409 chords the wasm heap grew by 630 MB for the decoder alone, against about
 * 200 MB this way, and the heap never gives memory back.
 */
function splitLossTrain(
  out: tf.Tensor2D,
  w: SplitWeights,
  targetIds: Int32Array,
): { ce: tf.Scalar; correct: tf.Scalar } {
  const N = targetIds.length;
  const s0 = w.splits[0]!;
  const K = w.splits.length;
  const { headTarget, rowsOf } = route(w, targetIds);
  let correct: tf.Scalar | null = null;
  const loss = tf.customGrad((...args: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
    const [o, emb, bias, tailW, tailB] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
    const E = emb.shape[1];
    const head = headWeights({ ...w, emb, bias, tailW, tailB });
    const headTargets = tf.tensor1d(headTarget, 'int32');
    const h = lossWithGradients(o, head.W, head.b, headTargets, N, { rowHits: true });
    for (const t of [head.W, head.b, headTargets]) t.dispose();
    let ceSum = h.ceSum;
    let dOut = h.dOut;
    // The embedding's gradient, a part per span of words, joined once at the end.
    const dEmb: tf.Tensor2D[] = [tf.tidy(() => tf.transpose(tf.slice(h.dEmbT, [0, 0], [E, s0])))];
    const dBias: tf.Tensor1D[] = [tf.slice(h.dBias, [0], [s0])];
    const tailHits: Array<[number[], tf.Tensor1D]> = [];
    tails(w).forEach(([a, b], k) => {
      const rows = rowsOf[k]!;
      if (rows.length === 0) {
        dEmb.push(tf.zeros([b - a, E]));
        dBias.push(tf.zeros([b - a]));
        return;
      }
      const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
      const inputs = tailInputs(o, emb, bias, targetIds, rows, a, b, idx);
      const t = lossWithGradients(...inputs, N, { rowHits: true });
      inputs.forEach((x) => x.dispose());
      const sum = tf.add(ceSum, t.ceSum) as tf.Scalar;
      const scattered = tf.scatterND(tf.expandDims(idx, 1), t.dOut, [N, E]);
      const dOutSum = tf.add(dOut, scattered) as tf.Tensor2D;
      for (const x of [ceSum, t.ceSum, t.correct, dOut, scattered, t.dOut, idx]) x.dispose();
      ceSum = sum;
      dOut = dOutSum;
      dEmb.push(tf.transpose(t.dEmbT));
      t.dEmbT.dispose();
      dBias.push(t.dBias);
      tailHits.push([rows, t.rowHits!]);
    });
    correct = tf.keep(countCorrect(h.rowHits!, headTarget, s0, tailHits));
    tailHits.forEach(([, hits]) => hits.dispose());
    const dEmbAll = tf.concat(dEmb, 0) as tf.Tensor2D;
    dEmb.forEach((t) => t.dispose());
    const dTailW = tf.transpose(tf.slice(h.dEmbT, [0, s0], [E, K]));
    const dTailB = tf.slice(h.dBias, [s0], [K]);
    const dBiasAll = tf.concat(dBias, 0);
    dBias.forEach((t) => t.dispose());
    for (const t of [h.dEmbT, h.dBias, h.rowHits!, h.correct]) t.dispose();
    const value = tf.div(ceSum, N) as tf.Scalar;
    ceSum.dispose();
    // Kept past the gradient's scope: the gradient function frees them.
    return { value, gradFunc: scaledBy([dOut, dEmbAll, dBiasAll, dTailW, dTailB].map((t) => tf.keep(t))) };
  });
  const ce = loss(out, w.emb, w.bias, w.tailW, w.tailB) as tf.Scalar;
  return { ce, correct: correct! };
}

/**
 * Scores rows of LSTM output against every word, with weights prepared once: generation scores one
 * row per sample per step, and transposing the tied [V, E] embedding on each call cost more than the
 * step itself (108 ms a step at 36,409 words on wasm, whose transposed-operand matmul is as slow).
 */
export interface OutputDecoder {
  /** Logits (or log-probabilities, which are logits too) of every word, [n, V]. */
  logits(out: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** The split softmax's exact log-probabilities, its head and tail weights transposed once. */
export function splitDecoder(w: SplitWeights): OutputDecoder {
  const s0 = w.splits[0]!;
  const E = w.emb.shape[1];
  const head = tf.tidy(() => {
    const h = headWeights(w);
    return { wT: tf.transpose(h.W) as tf.Tensor2D, b: h.b };
  });
  const tailW = tails(w).map(([a, b]) =>
    tf.tidy(() => ({
      wT: tf.transpose(tf.slice(w.emb, [a, 0], [b - a, E])) as tf.Tensor2D,
      b: tf.slice(w.bias, [a], [b - a]) as tf.Tensor1D,
    })),
  );
  return {
    logits: (out) =>
      tf.tidy(() => {
        const [n] = out.shape;
        const headLogp = tf.logSoftmax(tf.add(tf.matMul(out, head.wT), head.b)) as tf.Tensor2D;
        const parts: tf.Tensor2D[] = [tf.slice(headLogp, [0, 0], [n, s0])];
        tailW.forEach((t, k) => {
          const within = tf.logSoftmax(tf.add(tf.matMul(out, t.wT), t.b));
          parts.push(tf.add(within, tf.slice(headLogp, [0, s0 + k], [n, 1])) as tf.Tensor2D);
        });
        return tf.concat(parts, 1) as tf.Tensor2D;
      }),
    dispose: () => tf.dispose([head.wT, head.b, ...tailW.flatMap((t) => [t.wT, t.b])]),
  };
}

/** Log-probabilities of every word, [n, V], for one call: the checks compare these with the dense path. */
export function splitLogProbs(out: tf.Tensor2D, w: SplitWeights): tf.Tensor2D {
  const d = splitDecoder(w);
  try {
    return d.logits(out);
  } finally {
    d.dispose();
  }
}
