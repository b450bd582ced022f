import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { PieceSummary } from '../catalog/types';
import { bundledModelDir } from '../corpus/demo';
import { ClaraError } from '../errors';
import { codecOf } from '../encoding';
import type { AwdLstm } from '../model/awdLstm';
import { loadCheckpoint, type CheckpointMeta } from '../model/checkpoint';
import { resolveCheckpoint } from '../train/checkpointRef';
import { Vocab } from '../train/vocab';
import {
  headShape,
  saveClassifier,
  type ClassifierKind,
  type ClassifierMeta,
  type ClassifierMetrics,
} from './classifier';
import { poolFeatures } from './features';
import { ClassifierHead, HEAD_DEFAULTS, type HeadTrainOptions } from './head';
import { generatedWindows, pieceWindows } from './windows';

export interface ClassifierTrainArgs {
  checkpoint: string;
  /** Words per window. */
  window?: number;
  /** Training windows in all (spread over pieces, and for the critic as many generated again). */
  windows?: number;
  /** Composer classifier: composers with fewer pieces than this are merged into "other". */
  minPieces?: number;
  /** Composer classifier: only these composers (the rest are left out, not merged). */
  composers?: string[];
  seed?: number;
  head?: Partial<HeadTrainOptions>;
}

export type ClassifierProgress = {
  phase: 'windows' | 'generate' | 'features' | 'train';
  done: number;
  total: number;
  detail?: string;
};

export interface TrainedClassifier {
  id: number;
  kind: ClassifierKind;
  dir: string;
  classes: string[];
  metrics: ClassifierMetrics;
}

interface Setup {
  model: AwdLstm;
  meta: CheckpointMeta;
  vocab: Vocab;
  cpPath: string;
  cpRunId: string;
  cpStep: number;
}

function setUp(catalog: Catalog, ref: string): Setup {
  const cp = resolveCheckpoint(catalog, ref);
  const { model, meta } = loadCheckpoint(cp.path);
  return { model, meta, vocab: new Vocab(meta.vocab), cpPath: cp.path, cpRunId: cp.runId, cpStep: cp.step };
}

/** Pieces the encoder can read: a piano-only vocabulary has no words for a solo part. */
function readablePieces(catalog: Catalog, vocab: Vocab): PieceSummary[] {
  const solo = vocab.words.some((w) => w.startsWith('v'));
  return catalog.listPieces({ sort: 'imported' }).filter((p) => solo || p.ensemble === 'piano');
}

function confusionOf(
  labels: Int32Array,
  probs: Float32Array[],
  K: number,
): { confusion: number[][]; accuracy: number } {
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let right = 0;
  probs.forEach((p, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[k]! > p[best]!) best = k;
    confusion[labels[i]!]![best]!++;
    if (best === labels[i]) right++;
  });
  return { confusion, accuracy: probs.length ? right / probs.length : 0 };
}

function majorityRate(labels: Int32Array, K: number): number {
  const counts = new Array<number>(K).fill(0);
  for (const y of labels) counts[y]!++;
  return labels.length ? Math.max(...counts) / labels.length : 0;
}

function fitAndMeasure(
  s: Setup,
  train: { windows: Int32Array[]; labels: Int32Array },
  heldOut: { windows: Int32Array[]; labels: Int32Array },
  classes: string[],
  o: HeadTrainOptions,
  onProgress?: (p: ClassifierProgress) => void,
): { head: ClassifierHead; metrics: Omit<ClassifierMetrics, 'merged' | 'seconds'> } {
  const total = train.windows.length + heldOut.windows.length;
  const report = (done: number) => onProgress?.({ phase: 'features', done, total });
  const xTrain = poolFeatures(s.model, train.windows, 32, (d) => report(d));
  const xHeld = poolFeatures(s.model, heldOut.windows, 32, (d) => report(train.windows.length + d));
  const head = new ClassifierHead(headShape(s.model, o.hidden, classes.length), o.seed);
  head.fit(xTrain, train.labels, o, (epoch, loss) =>
    onProgress?.({ phase: 'train', done: epoch, total: o.epochs, detail: `loss ${loss.toFixed(3)}` }),
  );
  const trainRes = confusionOf(train.labels, head.predict(xTrain), classes.length);
  const heldRes = confusionOf(heldOut.labels, head.predict(xHeld), classes.length);
  return {
    head,
    metrics: {
      trainWindows: train.windows.length,
      trainAccuracy: trainRes.accuracy,
      heldOutWindows: heldOut.windows.length,
      heldOutAccuracy: heldRes.accuracy,
      chance: majorityRate(heldOut.labels, classes.length),
      confusion: heldRes.confusion,
    },
  };
}

function persist(
  catalog: Catalog,
  dataDir: string,
  s: Setup,
  kind: ClassifierKind,
  head: ClassifierHead,
  classes: string[],
  window: number,
  o: HeadTrainOptions,
  metrics: ClassifierMetrics,
): TrainedClassifier {
  const createdAt = new Date().toISOString();
  const dir = path.join(dataDir, 'classifiers', `${kind}-${createdAt.replace(/[:.]/g, '-')}`);
  const meta: Omit<ClassifierMeta, 'format' | 'version' | 'encoder'> = {
    kind,
    classes,
    source: { path: s.cpPath, runId: s.cpRunId, step: s.cpStep },
    encoding: s.meta.encoding,
    encodingOptions: s.meta.encodingOptions,
    window,
    head: headShape(s.model, o.hidden, classes.length),
    metrics,
    createdAt,
  };
  saveClassifier(dir, head, meta, s.cpPath, path.resolve(s.cpPath) !== path.resolve(bundledModelDir() ?? ''));
  const id = catalog.classifiers.add({
    kind,
    createdAt,
    path: dir,
    checkpointPath: s.cpPath,
    classes,
    heldOutAccuracy: metrics.heldOutAccuracy,
    chance: metrics.chance,
    metrics,
  });
  return { id, kind, dir, classes, metrics };
}

interface Labelled {
  windows: Int32Array[];
  labels: Int32Array;
}

/**
 * What both classifiers share: load the generator's encoder, collect labelled windows (the kind's
 * own part), fit the head, measure it on the held-out windows, save it and record it.
 */
function trainClassifier(
  kind: ClassifierKind,
  catalog: Catalog,
  dataDir: string,
  a: ClassifierTrainArgs,
  defaultWindows: number,
  onProgress: ((p: ClassifierProgress) => void) | undefined,
  collect: (
    s: Setup,
    window: number,
    n: number,
    seed: number,
  ) => { classes: string[]; merged: string[]; train: Labelled; heldOut: Labelled },
): TrainedClassifier {
  const t0 = performance.now();
  const window = a.window ?? 128;
  const seed = a.seed ?? 1;
  const o = { ...HEAD_DEFAULTS, ...a.head, seed };
  const s = setUp(catalog, a.checkpoint);
  try {
    onProgress?.({ phase: 'windows', done: 0, total: 1 });
    const { classes, merged, train, heldOut } = collect(s, window, a.windows ?? defaultWindows, seed);
    const { head, metrics } = fitAndMeasure(s, train, heldOut, classes, o, onProgress);
    try {
      return persist(catalog, dataDir, s, kind, head, classes, window, o, {
        ...metrics,
        merged,
        seconds: (performance.now() - t0) / 1000,
      });
    } finally {
      head.dispose();
    }
  } finally {
    s.model.dispose();
  }
}

/**
 * Trains the critic: real windows from the catalog's train pieces against windows the generator
 * writes, with the generator's own (frozen) encoder under a small head. Held out: windows of the
 * test pieces against freshly generated ones with another seed.
 */
export function trainCritic(
  catalog: Catalog,
  dataDir: string,
  a: ClassifierTrainArgs,
  onProgress?: (p: ClassifierProgress) => void,
): TrainedClassifier {
  return trainClassifier('critic', catalog, dataDir, a, 512, onProgress, (s, window, n, seed) => {
    const pieces = readablePieces(catalog, s.vocab);
    const train = pieces.filter((p) => p.split === 'train');
    const test = pieces.filter((p) => p.split === 'test');
    if (train.length < 2 || test.length < 1)
      throw new ClaraError(
        `needs at least 2 train pieces and 1 test piece the model can read (has ${train.length} and ${test.length}); import more music`,
        'not-enough-data',
        'critic',
      );
    const enc = [s.vocab, codecOf(s.meta)] as const;
    const realTrain = pieceWindows(catalog, train, ...enc, {
      length: window,
      perPiece: Math.ceil(n / train.length),
      seed,
    }).map((w) => w.ids);
    const heldN = Math.max(32, Math.round(n / 4));
    const realHeld = pieceWindows(catalog, test, ...enc, {
      length: window,
      perPiece: Math.ceil(heldN / test.length),
      seed: seed + 1,
    }).map((w) => w.ids);
    if (realTrain.length === 0 || realHeld.length === 0)
      throw new ClaraError(`pieces are shorter than one window of ${window} words`, 'not-enough-data', 'critic');
    const genTotal = realTrain.length + realHeld.length;
    const gen = (count: number, seedOf: number, offset: number) =>
      generatedWindows(s.model, ...enc, { length: window, count, seed: seedOf }, (d) =>
        onProgress?.({ phase: 'generate', done: offset + d, total: genTotal }),
      );
    const genTrain = gen(realTrain.length, seed * 7919, 0);
    const genHeld = gen(realHeld.length, seed * 7919 + 1_000_003, realTrain.length);
    const labelled = (fake: Int32Array[], real: Int32Array[]) => ({
      windows: [...fake, ...real],
      labels: Int32Array.from([...fake.map(() => 0), ...real.map(() => 1)]),
    });
    return {
      classes: ['generated', 'human'],
      merged: [],
      train: labelled(genTrain, realTrain),
      heldOut: labelled(genHeld, realHeld),
    };
  });
}

/**
 * Groups pieces into composer classes: composers with at least `minPieces` pieces get their own
 * class, the rest are merged into "other" (and named, so the user knows).
 */
export function composerClasses(
  pieces: readonly PieceSummary[],
  minPieces: number,
): { classes: string[]; merged: string[]; classOf: (p: PieceSummary) => number } {
  const counts = new Map<string, number>();
  for (const p of pieces) counts.set(p.composer, (counts.get(p.composer) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, c]) => c >= minPieces)
    .map(([name]) => name)
    .sort((x, y) => x.localeCompare(y));
  const merged = [...counts]
    .filter(([, c]) => c < minPieces)
    .map(([name]) => name)
    .sort((x, y) => x.localeCompare(y));
  const classes = merged.length ? [...kept, 'other'] : kept;
  const index = new Map(kept.map((c, i) => [c, i]));
  return { classes, merged, classOf: (p) => index.get(p.composer) ?? kept.length };
}

/**
 * Held-out pieces for the composer classifier, never a transposition of a training piece: each
 * class's test-split pieces, or, for a class with none, its last piece when it has three or more.
 */
function composerHoldOut(pieces: readonly PieceSummary[], classOf: (p: PieceSummary) => number): Set<number> {
  const held = new Set<number>();
  const byClass = new Map<number, PieceSummary[]>();
  for (const p of pieces) byClass.set(classOf(p), [...(byClass.get(classOf(p)) ?? []), p]);
  for (const group of byClass.values()) {
    const test = group.filter((p) => p.split === 'test');
    if (test.length && test.length < group.length) for (const p of test) held.add(p.id);
    else if (group.length >= 3) held.add(group[group.length - 1]!.id);
  }
  return held;
}

/** Trains the composer classifier on catalog pieces labelled by composer, with the same architecture as the critic. */
export function trainComposer(
  catalog: Catalog,
  dataDir: string,
  a: ClassifierTrainArgs,
  onProgress?: (p: ClassifierProgress) => void,
): TrainedClassifier {
  return trainClassifier('composer', catalog, dataDir, a, 1024, onProgress, (s, window, n, seed) => {
    let pieces = readablePieces(catalog, s.vocab).filter((p) => p.composer && p.composer !== 'Unknown');
    if (a.composers?.length) {
      const want = new Set(a.composers.map((c) => catalog.canonicalComposer(c)));
      pieces = pieces.filter((p) => want.has(p.composer));
    }
    const { classes, merged, classOf } = composerClasses(pieces, a.minPieces ?? 3);
    if (classes.length < 2)
      throw new ClaraError(
        `needs at least two composers with ${a.minPieces ?? 3}+ pieces the model can read (found ${classes.length}); import more music or lower --min-pieces`,
        'not-enough-data',
        'composer',
      );
    const held = composerHoldOut(pieces, classOf);
    const enc = [s.vocab, codecOf(s.meta)] as const;
    const windowsOf = (group: PieceSummary[], total: number, seedOf: number) => {
      // The same number of windows for every class, spread over its pieces.
      const perClass = Math.ceil(total / classes.length);
      const out: { windows: Int32Array[]; labels: number[] } = { windows: [], labels: [] };
      classes.forEach((_, k) => {
        const members = group.filter((p) => classOf(p) === k);
        if (!members.length) return;
        for (const w of pieceWindows(catalog, members, ...enc, {
          length: window,
          perPiece: Math.ceil(perClass / members.length),
          seed: seedOf + k,
        })) {
          out.windows.push(w.ids);
          out.labels.push(k);
        }
      });
      return { windows: out.windows, labels: Int32Array.from(out.labels) };
    };
    const train = windowsOf(
      pieces.filter((p) => !held.has(p.id)),
      n,
      seed,
    );
    const heldOut = windowsOf(
      pieces.filter((p) => held.has(p.id)),
      Math.max(classes.length * 8, Math.round(n / 4)),
      seed + 1000,
    );
    if (!train.windows.length)
      throw new ClaraError(`pieces are shorter than one window of ${window} words`, 'not-enough-data', 'composer');
    return { classes, merged, train, heldOut };
  });
}
