import { decoderLoss, decoderLossEval } from './decoderLoss';
import { embeddingLookup } from './embeddingLookup';
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

/** The splits for a vocabulary: none up to 8,192 words (the full softmax is cheap), else a head of 2,048. */
export function softmaxSplits(vocabSize: number): number[] | undefined {
  return vocabSize > 8192 ? [2048, 8192] : undefined;
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
  return {
    W: tf.concat([tf.slice(w.emb, [0, 0], [s0, E]), w.tailW], 0) as tf.Tensor2D,
    b: tf.concat([tf.slice(w.bias, [0], [s0]), w.tailB], 0) as tf.Tensor1D,
  };
}

/** [start, end) of each tail. */
function tails(w: SplitWeights): Array<[number, number]> {
  const V = w.emb.shape[0];
  return w.splits.map((s, k) => [s, w.splits[k + 1] ?? V]);
}

/**
 * Mean cross-entropy of the targets (ids on the CPU, to route each row) and the count of rows whose
 * target the model ranks first in the head and then in its tail; `train` adds the gradient
 * (blocked, with the forward pass: decoderLoss.ts).
 */
export function splitLoss(
  out: tf.Tensor2D,
  w: SplitWeights,
  targetIds: Int32Array,
  train: boolean,
): { ce: tf.Scalar; correct: tf.Scalar } {
  const N = targetIds.length;
  const s0 = w.splits[0]!;
  const spans = tails(w);
  const headTarget = new Int32Array(N);
  const rowsOf: number[][] = spans.map(() => []);
  for (let i = 0; i < N; i++) {
    const t = targetIds[i]!;
    if (t < s0) {
      headTarget[i] = t;
      continue;
    }
    const k = spans.findIndex(([a, b]) => t >= a && t < b);
    headTarget[i] = s0 + k;
    rowsOf[k]!.push(i);
  }
  const loss = train ? decoderLoss : decoderLossEval;
  const head = headWeights(w);
  const h = loss(out, head.W, head.b, tf.tensor1d(headTarget, 'int32'), { rowHits: true });
  const headHits = h.hits!;
  let ce = h.ce;
  // A row is right when the head ranks its word (or its word's tail) first, and, for a tail word,
  // the tail ranks it first too.
  const isHeadRow = Float32Array.from(headTarget, (t) => (t < s0 ? 1 : 0));
  let correct = tf.sum(tf.mul(headHits, tf.tensor1d(isHeadRow))) as tf.Scalar;
  const E = w.emb.shape[1];
  spans.forEach(([a, b], k) => {
    const rows = rowsOf[k]!;
    if (rows.length === 0) return;
    const idx = tf.tensor1d(Int32Array.from(rows), 'int32');
    const local = tf.tensor1d(
      Int32Array.from(rows, (i) => targetIds[i]! - a),
      'int32',
    );
    const t = loss(
      embeddingLookup(out, idx),
      tf.slice(w.emb, [a, 0], [b - a, E]),
      tf.slice(w.bias, [a], [b - a]),
      local,
      { rowHits: true },
    );
    // Its mean is over its own rows: weighted by their share of the batch.
    ce = tf.add(ce, tf.mul(t.ce, rows.length / N)) as tf.Scalar;
    correct = tf.add(correct, tf.sum(tf.mul(tf.gather(headHits, idx), t.hits!))) as tf.Scalar;
    t.correct.dispose();
    t.hits!.dispose();
  });
  h.correct.dispose();
  headHits.dispose();
  return { ce, correct };
}

/** Log-probabilities of every word, [n, V]: generation and the checks draw from these. */
export function splitLogProbs(out: tf.Tensor2D, w: SplitWeights): tf.Tensor2D {
  return tf.tidy(() => {
    const s0 = w.splits[0]!;
    const head = headWeights(w);
    const headLogp = tf.logSoftmax(tf.add(tf.matMul(out, tf.transpose(head.W)), head.b)) as tf.Tensor2D;
    const [n] = out.shape;
    const E = w.emb.shape[1];
    const parts: tf.Tensor2D[] = [tf.slice(headLogp, [0, 0], [n, s0])];
    tails(w).forEach(([a, b], k) => {
      const within = tf.logSoftmax(
        tf.add(tf.matMul(out, tf.transpose(tf.slice(w.emb, [a, 0], [b - a, E]))), tf.slice(w.bias, [a], [b - a])),
      );
      parts.push(tf.add(within, tf.slice(headLogp, [0, s0 + k], [n, 1])) as tf.Tensor2D);
    });
    return tf.concat(parts, 1) as tf.Tensor2D;
  });
}
