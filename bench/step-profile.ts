/**
 * Where a training step's time goes (issue #14), phase by phase, for a notewise and a chordwise
 * vocabulary on the same preset: the embedding (one-hot matmul, as before, and lookup with a
 * sparse gradient, as now), the LSTM stack, the tied decoder with its log-softmax and loss (dense
 * with transposed-operand matmuls, as before, and blocked with explicit transposes, as now), and
 * Adam over every parameter — each forward and backward, timed on the backend in use. One JSON object.
 *
 *   npm run bench -- step-profile [--preset laptop] [--vocabs 167,7670,36409] [--reps 2] [--backend wasm]
 *
 * 167 is the notewise vocabulary with dynamics; 7,670 the chordwise one of the 36-piece demo corpus;
 * 36,409 the chordwise one of piano-midi.de at 4 steps per quarter (npm run bench -- chordwise-vocab).
 * A phase that cannot run (the dense decoder of a large vocabulary outgrows the wasm heap) says why.
 */
import { Adam } from '../src/core/model/adam';
import { AwdLstm } from '../src/core/model/awdLstm';
import { initBackend, parseBackendChoice } from '../src/core/model/backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../src/core/catalog/catalog';
import { resolveEncodingOptions } from '../src/core/encoding/options';
import { importPaths } from '../src/core/import/importer';
import { decoderLoss } from '../src/core/model/decoderLoss';
import { splitLoss } from '../src/core/model/splitSoftmax';
import { CorpusTokens } from '../src/core/train/corpusTokens';
import { sharedCorpora } from '../src/testing/corpora';
import { embeddingLookup } from '../src/core/model/embeddingLookup';
import { lstmTrain } from '../src/core/model/lstm';
import { PRESETS, modelConfigFor, type PresetName } from '../src/core/model/presets';
import * as tf from '../src/core/model/tf';
import { benchOption } from './lib/args';

const presetName = benchOption('preset', 'laptop') as PresetName;
const vocabs = benchOption('vocabs', '167,7670,36409').split(',').map(Number);
const reps = Number(benchOption('reps', '2'));
const backend = await initBackend(parseBackendChoice(benchOption('backend', 'wasm')), 'train');

/** Mean milliseconds of `fn` over `reps` runs after one warm-up (or why it failed); `fn` returns tensors to read and free. */
async function time(fn: () => tf.Tensor[]): Promise<number | string> {
  try {
    return await timeOrThrow(fn);
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function timeOrThrow(fn: () => tf.Tensor[]): Promise<number> {
  const run = async (): Promise<number> => {
    const t0 = performance.now();
    const out = fn();
    await Promise.all(out.map((t) => t.data()));
    const ms = performance.now() - t0;
    out.forEach((t) => t.dispose());
    return ms;
  };
  await run();
  let total = 0;
  for (let i = 0; i < reps; i++) total += await run();
  return total / reps;
}

/**
 * Target ids drawn (seeded) in proportion to how often the piano corpus's chords occur at 4 steps
 * per quarter, most frequent first, as a frequency-sorted vocabulary of V words numbers them.
 */
let chordCounts: number[] | null = null;
async function corpusTargets(V: number, n: number): Promise<Int32Array> {
  if (!chordCounts) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-profile-'));
    try {
      const catalog = Catalog.open(home);
      await importPaths(catalog, [sharedCorpora().piano]);
      const tokens = new CorpusTokens(catalog, 'chordwise', resolveEncodingOptions({ sampleFreq: 4 }), 8);
      const counts = new Map<string, number>();
      for (const piece of catalog.listPieces({ split: 'train' }))
        for (const shift of tokens.validShifts(piece.id))
          for (const w of tokens.words({ pieceId: piece.id, shift })) counts.set(w, (counts.get(w) ?? 0) + 1);
      catalog.close();
      chordCounts = [...counts.values()].sort((a, b) => b - a);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
  const kept = chordCounts.slice(0, V - 3);
  const cumulative: number[] = [];
  kept.reduce((sum, c, i) => (cumulative[i] = sum + c), 0);
  const total = cumulative.at(-1)!;
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Int32Array.from({ length: n }, () => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lo + 3;
  });
}

/** What the wasm backend's 32-bit heap can hold, with room for the model and the other phases. */
const WASM_HEAP_BYTES = 3.5e9;

const p = PRESETS[presetName];
const T = p.bptt;
const B = p.batchSize;
const results: Record<string, Record<string, number | string>> = {};
for (const V of vocabs) {
  const model = new AwdLstm(modelConfigFor(p, V));
  const opt = new Adam(model.params(), p.beta1, p.beta2, p.weightDecay);
  const emb = model.emb;
  const E = model.config.embSize;
  const ids = tf.tensor1d(
    Int32Array.from({ length: T * B }, (_, i) => (i * 7919) % V),
    'int32',
  );
  // Targets as often as chords occur in the piano corpus (what routes rows to the split softmax's tails).
  const targetIds = await corpusTargets(V, T * B);
  const targets = tf.tensor1d(targetIds, 'int32');
  const upstream = tf.randomNormal([T * B, E]);
  const grad = (f: () => tf.Scalar, vars: tf.Variable[]) => () => {
    const { value, grads } = tf.variableGrads(f, vars);
    return [value, ...Object.values(grads)];
  };
  const phase: Record<string, number | string> = {};
  phase.embeddingOneHot = await time(
    grad(() => tf.sum(tf.mul(tf.matMul(tf.oneHot(ids, V), emb), upstream)) as tf.Scalar, [emb]),
  );
  phase.embeddingLookup = await time(
    grad(() => tf.sum(tf.mul(embeddingLookup(emb, ids), upstream)) as tf.Scalar, [emb]),
  );
  const x = tf.randomNormal([T, B, E]) as tf.Tensor3D;
  const layerVars = model.layers.flatMap((l) => [l.wx, l.wh, l.b] as tf.Variable[]);
  phase.lstm = await time(
    grad(() => {
      let h: tf.Tensor3D = x;
      for (const [i, l] of model.layers.entries()) {
        const sizes = model.zeroState(B)[i]!;
        h = lstmTrain(h, { wx: l.wx, wh: l.wh, b: l.b }, sizes).output;
      }
      return tf.sum(tf.mul(h, 1e-3)) as tf.Scalar;
    }, layerVars),
  );
  const out = tf.variable(tf.randomNormal([T * B, E], 0, 0.1)) as tf.Variable<tf.Rank.R2>;
  // The dense decoder holds about 8 copies of its [N, V] logits (log-softmax, one-hot targets, and
  // their gradients); past the 4 GB wasm heap it aborts the module, and every later phase with it.
  const denseBytes = 8 * T * B * V * 4;
  phase.decoderDense =
    backend.chosen === 'wasm' && denseBytes > WASM_HEAP_BYTES
      ? `does not fit the wasm heap: ${(denseBytes / 1e9).toFixed(1)} GB of [${T * B} × ${V}] logits and their gradients`
      : await time(
          grad(() => {
            const logits = tf.add(tf.matMul(out, tf.transpose(emb)), model.decBias);
            const logp = tf.logSoftmax(logits);
            return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, V), logp), 1))) as tf.Scalar;
          }, [out, emb, model.decBias as tf.Variable]),
        );
  phase.decoderBlocked = await time(
    grad(() => decoderLoss(out, emb, model.decBias, targets).ce, [out, emb, model.decBias as tf.Variable]),
  );
  if (model.tail) {
    const w = {
      emb,
      bias: model.decBias,
      tailW: model.tail.w,
      tailB: model.tail.b,
      splits: model.config.softmaxSplits!,
    };
    phase.decoderSplit = await time(
      grad(() => splitLoss(out, w, targetIds, true).ce, [out, emb, model.decBias, model.tail.w, model.tail.b]),
    );
  }
  const fakeGrads = new Map([...model.params()].map(([k, v]) => [k, tf.zerosLike(v) as tf.Tensor]));
  phase.adam = await time(() => {
    opt.apply(fakeGrads, 1e-4);
    return [];
  });
  fakeGrads.forEach((g) => g.dispose());
  for (const t of [ids, targets, upstream, x, out]) t.dispose();
  const ms = (v: number | string | undefined): number => (typeof v === 'number' ? v : Number.NaN);
  const before = ms(phase.embeddingOneHot) + ms(phase.lstm) + ms(phase.decoderDense) + ms(phase.adam);
  const decoderNow = model.tail ? ms(phase.decoderSplit) : ms(phase.decoderBlocked);
  const now = ms(phase.embeddingLookup) + ms(phase.lstm) + decoderNow + ms(phase.adam);
  results[`vocab${V}`] = {
    ...Object.fromEntries(Object.entries(phase).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v])),
    stepBefore: Number.isFinite(before) ? Math.round(before) : 'failed',
    stepNow: Math.round(now),
    tokensPerSecNow: Math.round((T * B * 1000) / now),
  };
  model.dispose();
  opt.dispose();
}
process.stdout.write(
  `${JSON.stringify({ bench: 'step-profile', preset: presetName, tokensPerStep: T * B, backend: backend.chosen, reps, milliseconds: results }, null, 2)}\n`,
);
