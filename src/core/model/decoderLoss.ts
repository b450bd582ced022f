import * as tf from './tf';

/**
 * The tied decoder and its exact softmax cross-entropy, a block of rows at a time. The whole
 * [N, V] matrix of logits (with its one-hot targets and softmax) is never held at once: at
 * chordwise vocabularies (tens of thousands of chords) it outgrew the wasm heap, and at 7,670 its
 * passes took 17 s a step. The gradient is computed with the forward pass and with explicit
 * transposes (matmuls with transposed operands run 10–30× slower on wasm):
 *   dlogits = (softmax − onehot(target)) / N;  dOut = dlogits · emb;  dEmb = (outᵀ · dlogits)ᵀ;  dBias = Σ dlogits.
 *
 * out [N, E], emb [V, E] (tied: the embedding), bias [V], targets [N] int32 →
 * the mean cross-entropy (differentiable in out, emb and bias) and the count of correct argmaxes.
 */

/** Logits held at once: about 16 MB of floats, whatever the vocabulary. */
const BLOCK_ELEMENTS = 1_000_000;

function blockRows(V: number, N: number): number {
  return Math.max(1, Math.min(N, Math.floor(BLOCK_ELEMENTS / V)));
}

/**
 * One block's logits and what both the loss and its gradient read of them: rows [start, start + n)
 * of out, scored against every word (eT is the embedding transposed once per call).
 */
function scoreBlock(
  out: tf.Tensor2D,
  eT: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: tf.Tensor1D,
  start: number,
  n: number,
): { rows: tf.Tensor2D; logits: tf.Tensor2D; lse: tf.Tensor2D; target: tf.Tensor2D; ce: tf.Scalar; hits: tf.Tensor1D } {
  const [, E] = out.shape;
  const V = eT.shape[1];
  const rows = tf.slice(out, [start, 0], [n, E]);
  const tb = tf.slice(targets, [start], [n]);
  const logits = tf.add(tf.matMul(rows, eT), bias) as tf.Tensor2D;
  const lse = tf.logSumExp(logits, 1, true) as tf.Tensor2D;
  const target = tf.oneHot(tb, V) as tf.Tensor2D;
  const ce = tf.sum(tf.sub(tf.squeeze(lse, [1]), tf.sum(tf.mul(logits, target), 1))) as tf.Scalar;
  const hits = tf.cast(tf.equal(tf.argMax(logits, 1), tb), 'float32') as tf.Tensor1D;
  return { rows, logits, lse, target, ce, hits };
}

export interface DecoderLoss {
  ce: tf.Scalar;
  correct: tf.Scalar;
  /** With `rowHits`: 1 where a row's target is its argmax, else 0 (the split softmax combines them). */
  hits?: tf.Tensor1D;
}

/**
 * The summed cross-entropy of `targets` under the tied decoder (out · embᵀ + bias), and its
 * gradient computed with it, block by block: what decoderLoss wraps, and what the split softmax
 * composes into one gradient for all its parts (splitSoftmax.ts). The gradient is that of the sum
 * divided by `denom`. dEmbT is [E, V]: the caller transposes once, or joins several first.
 */
export interface LossParts {
  ceSum: tf.Scalar;
  correct: tf.Scalar;
  rowHits?: tf.Tensor1D;
  dOut: tf.Tensor2D;
  dEmbT: tf.Tensor2D;
  dBias: tf.Tensor1D;
}

export function lossWithGradients(
  o: tf.Tensor2D,
  e: tf.Tensor2D,
  b: tf.Tensor1D,
  targets: tf.Tensor1D,
  denom: number,
  opts: { rowHits?: boolean } = {},
): LossParts {
  const [N, E] = o.shape;
  const V = e.shape[0];
  const rows = blockRows(V, N);
  const eT = tf.transpose(e);
  let ceSum: tf.Scalar = tf.scalar(0);
  let hits: tf.Scalar = tf.scalar(0);
  let dEmbT: tf.Tensor2D = tf.zeros([E, V]);
  let dBias: tf.Tensor1D = tf.zeros([V]);
  const dOut: tf.Tensor2D[] = [];
  const rowHits: tf.Tensor1D[] = [];
  for (let start = 0; start < N; start += rows) {
    const n = Math.min(rows, N - start);
    const step = tf.tidy(() => {
      const blk = scoreBlock(o, eT, b, targets, start, n);
      const g = tf.div(tf.sub(tf.exp(tf.sub(blk.logits, blk.lse)), blk.target), denom) as tf.Tensor2D;
      return {
        ce: tf.add(ceSum, blk.ce) as tf.Scalar,
        hits: tf.add(hits, tf.sum(blk.hits)) as tf.Scalar,
        dEmbT: tf.add(dEmbT, tf.matMul(tf.transpose(blk.rows), g)) as tf.Tensor2D,
        dBias: tf.add(dBias, tf.sum(g, 0)) as tf.Tensor1D,
        dOut: tf.matMul(g, e) as tf.Tensor2D,
        hitRows: opts.rowHits ? blk.hits : undefined,
      };
    });
    if (step.hitRows) rowHits.push(step.hitRows);
    for (const t of [ceSum, hits, dEmbT, dBias]) t.dispose();
    ({ ce: ceSum, hits, dEmbT, dBias } = step);
    dOut.push(step.dOut);
  }
  eT.dispose();
  return {
    ceSum,
    correct: hits,
    rowHits: opts.rowHits ? joinRows(rowHits) : undefined,
    dOut: joinRows(dOut),
    dEmbT,
    dBias,
  };
}

/** Concatenates blocks of rows, freeing them (one block is returned as is). */
export function joinRows<T extends tf.Tensor>(parts: T[]): T {
  if (parts.length === 1) return parts[0]!;
  const all = tf.concat(parts, 0) as T;
  parts.forEach((t) => t.dispose());
  return all;
}

export function decoderLoss(
  out: tf.Tensor2D,
  emb: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: tf.Tensor1D,
  opts: { rowHits?: boolean } = {},
): DecoderLoss {
  let parts: LossParts | null = null;
  const loss = tf.customGrad((...args: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
    const [o, e, b] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const N = o.shape[0];
    const p = lossWithGradients(o, e, b, targets, N, opts);
    // Kept past the gradient's scope: the caller reads and frees them.
    parts = { ...p, correct: tf.keep(p.correct), rowHits: p.rowHits && tf.keep(p.rowHits) };
    const dEmb = tf.transpose(p.dEmbT);
    p.dEmbT.dispose();
    const grads = [p.dOut, dEmb, p.dBias].map((t) => tf.keep(t));
    const value = tf.div(p.ceSum, N) as tf.Scalar;
    p.ceSum.dispose();
    return { value, gradFunc: scaledBy(grads) };
  });
  const ce = loss(out, emb, bias) as tf.Scalar;
  const p = parts as unknown as LossParts;
  return opts.rowHits ? { ce, correct: p.correct, hits: p.rowHits! } : { ce, correct: p.correct };
}

/** The gradient function of a loss whose gradients were computed with its value: each times dy, then freed. */
export function scaledBy(grads: tf.Tensor[]): (dy: tf.Tensor) => tf.Tensor[] {
  return (dy) => {
    try {
      return grads.map((g) => tf.mul(g, dy));
    } finally {
      grads.forEach((g) => g.dispose());
    }
  };
}

/** The same loss and count without the gradient: evaluation. */
export function decoderLossEval(
  out: tf.Tensor2D,
  emb: tf.Tensor2D,
  bias: tf.Tensor1D,
  targets: tf.Tensor1D,
  opts: { rowHits?: boolean } = {},
): DecoderLoss {
  return tf.tidy(() => {
    const N = out.shape[0];
    const rows = blockRows(emb.shape[0], N);
    const eT = tf.transpose(emb) as tf.Tensor2D;
    const ces: tf.Scalar[] = [];
    const hits: tf.Tensor1D[] = [];
    for (let start = 0; start < N; start += rows) {
      const blk = scoreBlock(out, eT, bias, targets, start, Math.min(rows, N - start));
      ces.push(blk.ce);
      hits.push(blk.hits);
    }
    const hitRows = joinRows(hits);
    const ce = tf.div(tf.addN(ces), N) as tf.Scalar;
    const correct = tf.sum(hitRows) as tf.Scalar;
    return (opts.rowHits ? { ce, correct, hits: hitRows } : { ce, correct }) as unknown as tf.TensorContainer;
  }) as unknown as DecoderLoss;
}
