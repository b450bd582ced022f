import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { Ensemble } from '../midi/types';
import type { StepNote } from '../encoding/steps';
import { codecFor } from '../encoding/codec';
import {
  resolveEncodingOptions,
  withSavedDefaults,
  type EncodingName,
  type EncodingOptions,
} from '../encoding/options';
import { ClaraError, errorMessage } from '../errors';
import { Adam } from '../model/adam';
import { AwdLstm } from '../model/awdLstm';
import { describeBackend, initBackend } from '../model/backend';
import {
  loadCheckpoint,
  readCheckpointMeta,
  removeStaleTemp,
  saveCheckpoint,
  type CheckpointMeta,
} from '../model/checkpoint';
import { resolveCheckpoint } from './checkpointRef';
import {
  modelConfigFor,
  PRESETS,
  type ModelConfig,
  type OptimConfig,
  type Preset,
  type PresetName,
} from '../model/presets';
import type { Window } from '../model/trainStep';
import { DataParallel, workerCount } from './dataParallel';
import { BpttBatches, type StreamCursor } from './batches';
import { CorpusTokens, type Item } from './corpusTokens';
import { shuffled } from './rng';
import { learningRate } from './schedule';
import { Vocab } from './vocab';
import type { TrainEvent, TrainEventOf } from '../../shared/events';
import { evalMetricOf, trainMetricOf } from '../../shared/metrics';
import { REQUEST_ENDS, type TrainerEnd } from '../../shared/runStatus';
import { learnNoteLimits, type NoteLimits } from '../generate/noteLimits';
import type { z } from 'zod';
import {
  DEFAULT_SAMPLE_FREQ,
  resumeOptions,
  trainOptions,
  withOptionDefaults,
  type TrainOptionValues,
} from '../../shared/options';

/**
 * A new run's options: the shared option schema (shared/options.ts; core/jobs/spec.ts `trainOptionsOf`
 * turns its values into these) with the preset sizes grouped as `overrides` and the encoding's
 * options as `encodingOptions`. Defaults not given here are the schema's (see `resolveConfig`).
 */
export type TrainOptions = Pick<TrainOptionValues, 'encoding' | 'preset'> &
  Partial<Omit<TrainOptionValues, 'encoding' | 'preset' | RegroupedOption>> & {
    encodingOptions?: Partial<EncodingOptions>;
    /** Any preset value changed for this run (sizes, dropouts, bptt, batch, lr…). */
    overrides?: Partial<Preset>;
    ensembles?: Ensemble[];
  };
/** Shared options that reach the trainer regrouped into `overrides` and `encodingOptions`. */
type RegroupedOption = 'emb' | 'hidden' | 'layers' | 'bptt' | 'batch' | 'lr' | 'sampleFreq';

/** The RunConfig fields that are training options, filled from the schema's defaults when read back. */
const storedOptions = trainOptions.pick({
  seed: true,
  evalEvery: true,
  checkpointEverySec: true,
  valTokens: true,
  patience: true,
});

export interface RunConfig {
  encoding: EncodingName;
  encodingOptions: EncodingOptions;
  preset: PresetName;
  model: ModelConfig;
  optim: OptimConfig;
  budget: { steps: number | null; seconds: number | null };
  composers: string[] | null;
  ensembles: Ensemble[] | null;
  seed: number;
  evalEvery: number;
  checkpointEverySec: number;
  valTokens: number;
  patience: number;
  vocab: string[];
  /** The checkpoint a fine-tuned run started from, as the user named it. */
  initFrom?: string;
  /** Note lengths of the training pieces, saved with every checkpoint for the generator. */
  noteLimits?: NoteLimits;
  /** Median tempo of the training pieces, saved with every checkpoint for the generator. */
  typicalBpm?: number;
  /** Median velocity of the training notes, saved with every checkpoint for the generator. */
  typicalVelocity?: number;
}

interface TrainerState {
  step: number;
  epoch: number;
  cursors: StreamCursor[] | null;
  bestValLoss: number | null;
  evalsSinceBest: number;
  elapsedS: number;
  lastTrainLoss: number | null;
}

/** The trainer's events: one schema shared with the studio and the renderer (shared/events.ts). */
export type { TrainEvent };

export interface TrainHooks {
  onEvent?: (e: TrainEvent) => void;
  signal?: AbortSignal;
}

function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${crypto.randomBytes(2).toString('hex')}`;
}

function resolveConfig(
  catalog: Catalog,
  o: TrainOptions,
  corpus: (enc: EncodingOptions) => CorpusTokens,
  init: CheckpointMeta | null,
): { config: RunConfig; items: Item[] } {
  const preset = PRESETS[o.preset];
  if (!preset) throw new ClaraError(`unknown preset "${o.preset}"`, 'bad-option', '--preset');
  const p = { ...preset, ...(o.overrides ?? {}) };
  // A fine-tuned run reads music exactly as the checkpoint it starts from did.
  const encodingOptions = init
    ? withSavedDefaults(init.encodingOptions)
    : resolveEncodingOptions({
        ...o.encodingOptions,
        sampleFreq: o.encodingOptions?.sampleFreq ?? DEFAULT_SAMPLE_FREQ[o.encoding],
      });
  const tokens = corpus(encodingOptions);
  const selection = {
    composers: o.composers?.length ? o.composers : null,
    ensembles: o.ensembles?.length ? o.ensembles : null,
  };
  const items = selectItems(catalog, selection, tokens, 'train');
  const test = selectItems(catalog, selection, tokens, 'test');
  if (items.length === 0)
    throw new ClaraError(
      'no training pieces match the selection; import music or widen --composers',
      'no-data',
      'corpus',
    );
  if (test.length === 0)
    throw new ClaraError(
      'no test pieces match the selection: validation needs at least one held-out piece',
      'no-data',
      'corpus',
    );
  const withSolo = [...items, ...test].some((it) => tokens.hasSolo(it.pieceId));
  // Lazily, one piece at a time: only chordwise reads them, and all of them at once would be large.
  const trainWords = function* (): Generator<string[]> {
    for (const it of items) yield tokens.words(it);
  };
  const vocab = init ? new Vocab(init.vocab) : codecFor(o.encoding, encodingOptions).vocabulary(withSolo, trainWords());
  const seconds = secondsOf(o);
  const steps = o.steps ?? (seconds === null ? 2000 : null);
  // Its sizes too; the preset's regularisation and optimiser still apply.
  const model = init
    ? {
        ...modelConfigFor(p, vocab.size),
        embSize: init.model.embSize,
        hiddenSize: init.model.hiddenSize,
        layers: init.model.layers,
      }
    : modelConfigFor(p, vocab.size);
  const optim: OptimConfig = {
    bptt: p.bptt,
    batchSize: p.batchSize,
    lr: p.lr,
    beta1: p.beta1,
    beta2: p.beta2,
    weightDecay: p.weightDecay,
    clip: p.clip,
    alpha: p.alpha,
    beta: p.beta,
    schedule: p.schedule,
  };
  // The training pieces in their own key: what the generator's facts are learnt from.
  const originals = items.filter((it) => it.shift === 0).map((it) => tokens.steps(it.pieceId));
  return {
    items,
    config: {
      encoding: o.encoding,
      encodingOptions,
      preset: o.preset,
      model,
      optim,
      budget: { steps, seconds },
      ...selection,
      ...withOptionDefaults(storedOptions, {
        seed: o.seed,
        evalEvery: o.evalEvery,
        checkpointEverySec: o.checkpointEverySec,
        valTokens: o.valTokens,
        patience: o.patience,
      } as z.output<typeof storedOptions>),
      vocab: [...vocab.words],
      ...(o.init ? { initFrom: o.init } : {}),
      typicalBpm: typicalBpm(catalog, items),
      typicalVelocity: typicalVelocity(originals),
      noteLimits: learnNoteLimits(originals, encodingOptions),
    },
  };
}

/** The median velocity of some notes (80 when there are none). */
export function typicalVelocity(pieces: ReadonlyArray<readonly StepNote[]>): number {
  const v = pieces.flatMap((notes) => notes.map((n) => n.velocity)).sort((a, b) => a - b);
  return v.length ? v[v.length >> 1]! : 80;
}

/** The median of the training pieces' average tempi (beats over seconds), rounded. */
export function typicalBpm(catalog: Catalog, items: Item[]): number {
  const ids = new Set(items.map((it) => it.pieceId));
  const bpms = catalog
    .listPieces({ split: 'train' })
    .filter((p) => ids.has(p.id) && p.durationSeconds > 0)
    .map((p) => (60 * p.durationBeats) / p.durationSeconds)
    .sort((a, b) => a - b);
  return bpms.length ? Math.round(bpms[bpms.length >> 1]!) : 120;
}

/** The run's data: its training pieces in every valid key, or its test pieces in their own key. */
function selectItems(
  catalog: Catalog,
  c: Pick<RunConfig, 'composers' | 'ensembles'>,
  tokens: CorpusTokens,
  split: 'train' | 'test',
): Item[] {
  return catalog
    .listPieces({ split })
    .filter(
      (x) => (!c.composers || c.composers.includes(x.composer)) && (!c.ensembles || c.ensembles.includes(x.ensemble)),
    )
    .flatMap((x) =>
      split === 'train'
        ? tokens.validShifts(x.id).map((shift) => ({ pieceId: x.id, shift }))
        : [{ pieceId: x.id, shift: 0 }],
    );
}

/** Validation windows: the test pieces in their original key, one after another, cut into B rows. */
function validationWindows(items: Item[], tokens: CorpusTokens, vocab: Vocab, c: RunConfig): Window[] {
  const parts: Int32Array[] = [];
  let total = 0;
  for (const it of items) {
    if (total >= c.valTokens) break;
    const ids = tokens.ids(it, vocab);
    parts.push(ids, Int32Array.of(vocab.eos));
    total += ids.length + 1;
  }
  const all = new Int32Array(Math.min(total, c.valTokens + 1));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, all.length - at);
    all.set(p.subarray(0, take), at);
    at += take;
    if (at >= all.length) break;
  }
  const T = c.optim.bptt;
  const B = Math.max(1, Math.min(c.optim.batchSize, Math.floor((all.length - 1) / T)));
  const rowLen = Math.floor((all.length - 1) / B);
  const windows: Window[] = [];
  for (let start = 0; start + 1 < rowLen; start += T) {
    const len = Math.min(T, rowLen - 1 - start);
    if (len <= 0) break;
    const inputs = new Int32Array(len * B);
    const targets = new Int32Array(len * B);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < len; t++) {
        inputs[t * B + b] = all[b * rowLen + start + t]!;
        targets[t * B + b] = all[b * rowLen + start + t + 1]!;
      }
    windows.push({ inputs, targets, T: len, B });
  }
  return windows;
}

/** A resume: the run, and a new budget counted from the resume point (steps, hours or until) if given. */
export type ResumeOptions = { resume: string } & Partial<z.output<typeof resumeOptions>>;

const FRESH_STATE: TrainerState = {
  step: 0,
  epoch: 0,
  cursors: null,
  bestValLoss: null,
  evalsSinceBest: 0,
  elapsedS: 0,
  lastTrainLoss: null,
};

/**
 * Takes a stopped run (atomically: two resumes of one run cannot both train it) and loads where it
 * left off: its latest checkpoint, else its best one (saying so), else — only if it never saved
 * one — a fresh start. A checkpoint the catalog records but the disk lacks is an error, never a
 * silent restart. A budget given here replaces the stored one and is counted from the resume point.
 */
function resumeRun(
  catalog: Catalog,
  what: ResumeOptions,
): { config: RunConfig; model: AwdLstm; optimizer: Adam; state: TrainerState; notes: string[] } {
  const runs = catalog.runs;
  const before = runs.get(what.resume);
  const newBudget = what.steps !== undefined || what.hours !== undefined || what.until !== undefined;
  if (before.status === 'finished' && !newBudget)
    throw new ClaraError(
      `run ${before.id} already finished (${before.endReason ?? 'budget reached'}); give --steps, --hours or --until to train it further`,
      'finished',
      'run',
    );
  const run = runs.claim(what.resume, { newBudget });
  try {
    const notes: string[] = [];
    const saved = run.config as RunConfig;
    // A run saved before an option existed resumes with its default, not `undefined`.
    const stored: RunConfig = {
      ...withOptionDefaults(storedOptions, saved),
      encodingOptions: withSavedDefaults(saved.encodingOptions),
    };
    const makeOpt = (m: AwdLstm): Adam =>
      new Adam(m.params(), stored.optim.beta1, stored.optim.beta2, stored.optim.weightDecay);
    const cps = runs.checkpoints(run.id);
    const latest = cps.find((c) => c.kind === 'latest');
    const best = cps.find((c) => c.kind === 'best');
    let model: AwdLstm;
    let optimizer: Adam;
    let state: TrainerState;
    const from = latest && fs.existsSync(latest.path) ? latest : best && fs.existsSync(best.path) ? best : null;
    if (from) {
      const loaded = loadCheckpoint(from.path, { makeOptimizer: makeOpt });
      model = loaded.model;
      optimizer = loaded.optimizer ?? makeOpt(model);
      state = loaded.meta.trainer as TrainerState;
      if (from !== latest)
        notes.push(
          `the latest checkpoint ${latest ? `(${latest.path}) is missing` : 'was never saved'}: resuming from the best one, step ${from.step}, with fresh optimizer moments`,
        );
    } else if (latest || best || run.step > 0) {
      const missing = latest?.path ?? best?.path;
      throw new ClaraError(
        missing
          ? `cannot resume run ${run.id}: its checkpoint folder is missing`
          : `cannot resume run ${run.id}: it trained to step ${run.step} but no checkpoint of it is recorded`,
        'missing-checkpoint',
        missing ?? 'run',
      );
    } else {
      model = new AwdLstm(stored.model, stored.seed);
      optimizer = makeOpt(model);
      state = { ...FRESH_STATE };
      notes.push('no checkpoint was saved before it stopped: starting it from step 0');
    }
    // The best on record stays the bar a new best has to beat, whatever the checkpoint says.
    if (run.bestValLoss !== null && (state.bestValLoss === null || run.bestValLoss < state.bestValLoss))
      state.bestValLoss = run.bestValLoss;
    const config: RunConfig = newBudget ? { ...stored, budget: budgetFrom(what, state) } : stored;
    if (newBudget) {
      runs.updateConfig(run.id, config);
      notes.push(`new budget: ${describeBudget(config.budget, state)}`);
    }
    runs.truncateMetrics(run.id, state.step);
    return { config, model, optimizer, state, notes };
  } catch (err) {
    // Give the run back as it was, so a failed resume leaves nothing claimed.
    runs.release(run.id, before);
    throw err;
  }
}

/** A resumed run's budget, counted from where it resumes. */
function budgetFrom(o: Pick<ResumeOptions, 'steps' | 'hours' | 'until'>, st: TrainerState): RunConfig['budget'] {
  const more = secondsOf(o);
  return {
    steps: o.steps !== undefined ? st.step + o.steps : null,
    seconds: more !== null ? st.elapsedS + more : null,
  };
}

/** Seconds of a budget in hours or until a clock time; null when neither is given. */
function secondsOf(o: { hours?: number; until?: string }): number | null {
  if (o.until) {
    const s = (Date.parse(o.until) - Date.now()) / 1000;
    if (!(s > 0)) throw new ClaraError(`"${o.until}" is not a time in the future`, 'bad-option', '--until');
    return s;
  }
  return o.hours !== undefined ? o.hours * 3600 : null;
}

function describeBudget(b: RunConfig['budget'], st: TrainerState): string {
  const parts: string[] = [];
  if (b.steps !== null) parts.push(`${b.steps - st.step} more steps (to step ${b.steps})`);
  if (b.seconds !== null) parts.push(`${((b.seconds - st.elapsedS) / 3600).toFixed(2)} more hours`);
  return parts.join(' or ');
}

/** How training ended: the run's end state and the reason recorded with it. */
type Ending = TrainerEnd & { reason: string };

/** A run ready to train in this process: new from options, or a stopped one taken over to resume. */
interface OpenedRun {
  runId: string;
  config: RunConfig;
  model: AwdLstm;
  opt: Adam;
  /** The counters saved with every checkpoint; the phases below advance them in place. */
  st: TrainerState;
  resumed: boolean;
  notes: string[];
  /** The training items when opening already chose them (a new run); a resumed run selects them again. */
  items: Item[] | null;
}

/** What a run trains and validates on, chosen once it is open. */
interface RunData {
  vocab: Vocab;
  tokens: CorpusTokens;
  trainItems: Item[];
  valWindows: Window[];
  /** Words of a piece (the same in every key): balances the streams. */
  lengthOf: (it: Item) => number;
}

type TokenSources = (o: EncodingOptions, enc: EncodingName) => CorpusTokens;

/** One token source per encoding and options, so its cache of quantised pieces serves setup and training. */
function tokenSources(catalog: Catalog): TokenSources {
  const sources = new Map<string, CorpusTokens>();
  return (o, enc) => {
    const key = JSON.stringify([enc, o.sampleFreq, o.rangeLow, o.rangeSize, o.soloLow, o.velocityBins]);
    let t = sources.get(key);
    if (!t) sources.set(key, (t = new CorpusTokens(catalog, enc, o, 512)));
    return t;
  };
}

/** Phase 1: opens a new run, or takes a stopped one over to resume it (see resumeRun). */
function openRun(
  catalog: Catalog,
  what: TrainOptions | ResumeOptions,
  backend: string,
  corpusFor: TokenSources,
): OpenedRun {
  if ('resume' in what) {
    const r = resumeRun(catalog, what);
    catalog.runs.update(what.resume, { backend, step: r.state.step, epoch: r.state.epoch });
    return {
      runId: what.resume,
      config: r.config,
      model: r.model,
      opt: r.optimizer,
      st: r.state,
      resumed: true,
      notes: r.notes,
      items: null,
    };
  }
  const init = what.init ? startingPoint(catalog, what.init, what.encoding) : null;
  const { config, items } = resolveConfig(catalog, what, (o) => corpusFor(o, what.encoding), init?.meta ?? null);
  const runId = newRunId();
  const model = init ? init.load(config.model) : new AwdLstm(config.model, config.seed);
  const opt = new Adam(model.params(), config.optim.beta1, config.optim.beta2, config.optim.weightDecay);
  catalog.runs.create({ id: runId, encoding: config.encoding, preset: config.preset, config, backend });
  const notes = init ? [`starting from ${init.describe} (fine-tuning its weights)`] : [];
  return { runId, config, model, opt, st: { ...FRESH_STATE }, resumed: false, notes, items };
}

/**
 * The checkpoint a new run starts from (`--init`): its encoding must be the run's; the run takes
 * its encoding options, vocabulary and sizes, and its weights once the run's config is known.
 */
function startingPoint(
  catalog: Catalog,
  ref: string,
  encoding: EncodingName,
): { meta: CheckpointMeta; describe: string; load: (model: ModelConfig) => AwdLstm } {
  const row = resolveCheckpoint(catalog, ref);
  const meta = readCheckpointMeta(row.path);
  if (meta.encoding !== encoding)
    throw new ClaraError(
      `checkpoint ${ref} is a ${meta.encoding} model; a ${encoding} run cannot start from it`,
      'bad-option',
      '--init',
    );
  const describe =
    row.runId === 'bundled' ? 'the bundled model' : `run ${row.runId}'s ${row.kind} checkpoint (step ${row.step})`;
  return {
    meta,
    describe,
    load: (model) => {
      const loaded = loadCheckpoint(row.path).model;
      // The run's own dropouts with the checkpoint's weights: the model is rebuilt around them.
      Object.assign(loaded.config, model);
      return loaded;
    },
  };
}

/** Phase 2: the run's training items (every valid key) and validation windows (test pieces, own key). */
function selectData(catalog: Catalog, run: OpenedRun, corpusFor: TokenSources): RunData {
  const { config } = run;
  const vocab = new Vocab(config.vocab);
  const tokens = corpusFor(config.encodingOptions, config.encoding);
  const trainItems = run.items ?? selectItems(catalog, config, tokens, 'train');
  const valWindows = validationWindows(selectItems(catalog, config, tokens, 'test'), tokens, vocab, config);
  // The catalog knows piece lengths for the encodings made at import; others are counted once here.
  const lengths = new Map<number, number>();
  const lengthOf = (it: Item): number => {
    let n = lengths.get(it.pieceId);
    if (n === undefined) {
      n =
        catalog.encodingFor(it.pieceId, config.encoding, config.encodingOptions)?.tokenCount ??
        tokens.words({ pieceId: it.pieceId, shift: 0 }).length;
      lengths.set(it.pieceId, n);
    }
    return n;
  };
  return { vocab, tokens, trainItems, valWindows, lengthOf };
}

function startEvent(
  run: OpenedRun,
  data: RunData,
  backend: Awaited<ReturnType<typeof initBackend>>,
  workers: number,
): TrainEventOf<'start'> {
  const { vocab: _vocab, ...configShown } = run.config;
  return {
    type: 'start',
    runId: run.runId,
    resumed: run.resumed,
    fromStep: run.st.step,
    backend,
    backendText: describeBackend(backend),
    config: { ...configShown, vocabSize: data.vocab.size },
    parameters: run.model.paramCount(),
    trainItems: data.trainItems.length,
    trainPieces: new Set(data.trainItems.map((i) => i.pieceId)).size,
    tokensPerEpoch: data.trainItems.reduce((s, it) => s + data.lengthOf(it) + 1, 0),
    valTokens: data.valWindows.reduce((s, w) => s + w.T * w.B, 0),
    workers,
    notes: run.notes,
  };
}

/** Tokens a second over the last half minute or so, so the rate follows the run rather than its start. */
class Throughput {
  private tokens = 0;
  private since = performance.now();

  add(tokens: number): number {
    this.tokens += tokens;
    const now = performance.now();
    const perSec = (this.tokens / (now - this.since)) * 1000;
    if (now - this.since > 30_000) {
      this.tokens = 0;
      this.since = now;
    }
    return perSec;
  }
}

/**
 * Phase 3, the loop, for an open run with its data: should it stop → one step → evaluate and save,
 * until one says stop. Its state is the run's counters (`st`), the batch streams and the LSTM's
 * hidden state carried from window to window.
 */
class TrainingLoop {
  private readonly runs: Catalog['runs'];
  private readonly runId: string;
  private readonly config: RunConfig;
  private readonly model: AwdLstm;
  private readonly opt: Adam;
  private readonly st: TrainerState;
  /** Computes each step over every worker; carries the LSTM's hidden state from window to window. */
  private readonly parallel: DataParallel;
  private batches: BpttBatches;
  private lastSave = Date.now();
  private readonly throughput = new Throughput();
  private readonly sessionStart = performance.now();
  private readonly elapsedAtStart: number;

  constructor(
    private readonly catalog: Catalog,
    private readonly runDir: string,
    opened: OpenedRun,
    private readonly data: RunData,
    private readonly emit: (e: TrainEvent) => void,
    parallel: DataParallel,
  ) {
    ({ runId: this.runId, config: this.config, model: this.model, opt: this.opt, st: this.st } = opened);
    this.parallel = parallel;
    this.runs = catalog.runs;
    this.batches = this.epochBatches(this.st.cursors);
    this.elapsedAtStart = this.st.elapsedS;
  }

  /** Trains until the budget, early stopping, a request or the signal says stop, or an error; says how it ended. */
  async run(signal?: AbortSignal): Promise<Ending> {
    try {
      for (;;) {
        const stop = this.shouldStop(signal);
        if (stop) {
          // Paused or stopped: save where it is, so resuming loses nothing.
          if (stop.status === 'stopped' || stop.status === 'paused') await this.saveCheckpoint('latest', null);
          return stop;
        }
        await this.step();
        const early = await this.evaluateAndSave();
        if (early) return early;
        // Let signals and the event loop in between steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      return { status: 'failed', code: 'error', reason: errorMessage(err) };
    }
  }

  private shouldStop(signal?: AbortSignal): Ending | null {
    if (signal?.aborted) return { ...REQUEST_ENDS.stop };
    // What the studio asks (pause, stop, close) reaches this process through its run row, the
    // one channel that works for every launcher (an Electron utility process has no stdin).
    const request = this.runs.requested(this.runId);
    if (request) return { ...REQUEST_ENDS[request] };
    const spent = this.budgetSpent();
    return spent ? { status: 'finished', code: 'budget', reason: spent } : null;
  }

  /** Why the budget is spent, or null while it is not. */
  private budgetSpent(): string | null {
    const { budget } = this.config;
    if (budget.steps !== null && this.st.step >= budget.steps) return `reached ${budget.steps} steps`;
    if (budget.seconds !== null && this.st.elapsedS >= budget.seconds)
      return `reached the time budget (${(budget.seconds / 3600).toFixed(2)} h)`;
    return null;
  }

  /** How far through its budget the run is, 0 to 1 (the learning-rate schedule follows it). */
  private progress(): number {
    const { budget } = this.config;
    return budget.steps !== null
      ? this.st.step / budget.steps
      : budget.seconds !== null
        ? this.st.elapsedS / budget.seconds
        : 0;
  }

  /** One optimiser step on the next window; reports it, and stores every tenth as a metric. */
  private async step(): Promise<void> {
    const { config, st } = this;
    const w = this.nextWindow();
    const lr = learningRate(config.optim.schedule, config.optim.lr, this.progress());
    const r = await this.parallel.step(w, config.seed * 1_000_003 + st.step * 97, lr, config.optim);
    if (!Number.isFinite(r.loss) || !Number.isFinite(r.gradNorm)) {
      // The weights are poisoned now: stop without saving over the last good checkpoint.
      throw new ClaraError(
        `the loss diverged (${r.loss}) at step ${st.step + 1}; the latest checkpoint (step ${this.runs.checkpoints(this.runId).find((c) => c.kind === 'latest')?.step ?? 0}) is intact: resume it, or start again with a lower --lr`,
        'diverged',
        'training',
      );
    }
    st.step++;
    st.lastTrainLoss = r.ce;
    st.elapsedS = this.elapsedAtStart + (performance.now() - this.sessionStart) / 1000;
    const tokensPerSec = this.throughput.add(w.T * w.B);
    const stepsPerSec = tokensPerSec / (w.T * w.B);
    const { budget } = config;
    const etaS =
      budget.steps !== null
        ? (budget.steps - st.step) / stepsPerSec
        : budget.seconds !== null
          ? Math.max(0, budget.seconds - st.elapsedS)
          : null;
    const stepEvent: TrainEventOf<'step'> = {
      type: 'step',
      runId: this.runId,
      step: st.step,
      epoch: st.epoch,
      loss: r.loss,
      ce: r.ce,
      accuracy: r.accuracy,
      lr,
      gradNorm: r.gradNorm,
      tokensPerSec,
      workerTokensPerSec: r.workerTokensPerSec,
      elapsedS: st.elapsedS,
      etaS,
      progress: Math.min(1, this.progress()),
    };
    this.emit(stepEvent);
    if (st.step % 10 === 0) this.runs.addTrainMetric(this.runId, trainMetricOf(stepEvent));
  }

  /** The next window of the streams; at the end of an epoch, new shuffled streams and a zero hidden state. */
  private nextWindow(): Window {
    const w = this.batches.next();
    if (w) return w;
    const { bptt: T, batchSize: B } = this.config.optim;
    this.st.epoch++;
    this.batches = this.epochBatches(null);
    this.parallel.resetHidden();
    const first = this.batches.next();
    if (!first)
      throw new ClaraError(
        `the training set is too small for ${B} streams of ${T} tokens; lower --batch or --bptt`,
        'no-data',
        'corpus',
      );
    return first;
  }

  private epochBatches(cursors: StreamCursor[] | null): BpttBatches {
    const { vocab, tokens, trainItems, lengthOf } = this.data;
    const { config } = this;
    return new BpttBatches(
      shuffled(trainItems, config.seed * 7919 + this.st.epoch),
      config.optim.batchSize,
      config.optim.bptt,
      (it) => tokens.ids(it, vocab),
      vocab.eos,
      cursors ?? undefined,
      lengthOf,
    );
  }

  /**
   * Validates every `evalEvery` steps and when the budget is spent, saving the best and the latest
   * checkpoint; in between, saves the latest every `checkpointEverySec`. Returns the ending when
   * validation has stopped improving for `patience` validations.
   */
  private async evaluateAndSave(): Promise<Ending | null> {
    const { config, st } = this;
    if (st.step % config.evalEvery !== 0 && this.budgetSpent() === null) {
      if (Date.now() - this.lastSave > config.checkpointEverySec * 1000) await this.saveCheckpoint('latest', null);
      return null;
    }
    const ev = await this.parallel.evaluate(this.data.valWindows);
    const best = st.bestValLoss === null || ev.loss < st.bestValLoss;
    if (best) {
      st.bestValLoss = ev.loss;
      st.evalsSinceBest = 0;
    } else st.evalsSinceBest++;
    const evalEvent: TrainEventOf<'eval'> = {
      type: 'eval',
      runId: this.runId,
      step: st.step,
      epoch: st.epoch,
      valLoss: ev.loss,
      valPerplexity: Math.exp(ev.loss),
      valAccuracy: ev.accuracy,
      best,
    };
    this.emit(evalEvent);
    this.runs.addEvalMetric(this.runId, evalMetricOf(evalEvent));
    if (best) await this.saveCheckpoint('best', ev.loss);
    await this.saveCheckpoint('latest', ev.loss);
    if (config.patience > 0 && st.evalsSinceBest >= config.patience)
      return {
        status: 'finished',
        code: 'early-stop',
        reason: `early stopping: validation loss has not improved for ${config.patience} validations`,
      };
    return null;
  }

  /**
   * Writes a checkpoint (atomically) with what the generator needs besides the weights, and records
   * it; a best the catalog refuses (not better than its own) is removed again, and the checkpoint
   * it replaces is removed unless another row still names it.
   */
  private async saveCheckpoint(kind: 'best' | 'latest', valLoss: number | null): Promise<void> {
    const { config, st, runId, runs } = this;
    const dir = path.join(this.runDir, `${kind}-${String(st.step).padStart(8, '0')}`);
    await saveCheckpoint(dir, this.model, kind === 'latest' ? this.opt : null, {
      encoding: config.encoding,
      encodingOptions: config.encodingOptions,
      vocab: config.vocab,
      noteLimits: config.noteLimits,
      typicalBpm: config.typicalBpm,
      typicalVelocity: config.typicalVelocity,
      trainer: { ...st, cursors: this.batches.position() },
    });
    const { accepted, replaced } = runs.putCheckpoint({
      runId,
      kind,
      step: st.step,
      epoch: st.epoch,
      valLoss,
      trainLoss: st.lastTrainLoss,
      path: dir,
    });
    if (!accepted) {
      this.catalog.paths.removeInside(dir);
      return;
    }
    if (replaced && !runs.pathInUse(replaced)) this.catalog.paths.removeInside(replaced);
    runs.update(runId, { step: st.step, epoch: st.epoch, elapsedS: st.elapsedS, bestValLoss: st.bestValLoss });
    this.emit({ type: 'checkpoint', runId, step: st.step, kind, path: dir, valLoss });
    if (kind === 'latest') this.lastSave = Date.now();
  }
}

/**
 * Trains an AWD-LSTM on the catalog, or resumes a run from its latest checkpoint. Reports progress
 * as events, validates on the test pieces, keeps the best and the latest checkpoint (written
 * atomically and recorded in the catalog), and stops at its budget, on early stopping, or when
 * the signal aborts (saving first).
 */
export async function train(
  catalog: Catalog,
  dataDir: string,
  what: TrainOptions | ResumeOptions,
  hooks: TrainHooks = {},
): Promise<{ runId: string; status: TrainerEnd['status'] }> {
  const emit = hooks.onEvent ?? (() => undefined);
  const backend = await initBackend(what.backend ?? 'auto', 'train');
  const corpusFor = tokenSources(catalog);
  const run = openRun(catalog, what, backend.chosen, corpusFor);
  const runDir = path.join(dataDir, 'runs', run.runId);
  fs.mkdirSync(runDir, { recursive: true });
  removeStaleTemp(path.join(dataDir, 'runs'));
  const data = selectData(catalog, run, corpusFor);
  const workers = workerCount(what.workers, backend.chosen, run.config.optim.batchSize);
  if (workers.why) run.notes.push(workers.why);
  let end: Ending;
  let parallel: DataParallel | null = null;
  try {
    parallel = await DataParallel.open(run.model, run.opt, workers.count, backend.chosen);
    emit(startEvent(run, data, backend, parallel.workers));
    end = await new TrainingLoop(catalog, runDir, run, data, emit, parallel).run(hooks.signal);
  } catch (err) {
    // The workers could not start: the run ends failed, as any other error in training.
    end = { status: 'failed', code: 'error', reason: errorMessage(err) };
  } finally {
    await parallel?.close();
  }

  const { runId, st } = run;
  catalog.runs.end(runId, end, { step: st.step, epoch: st.epoch, elapsedS: st.elapsedS, bestValLoss: st.bestValLoss });
  emit({ type: 'end', runId, ...end, step: st.step, bestValLoss: st.bestValLoss });
  run.model.dispose();
  run.opt.dispose();
  return { runId, status: end.status };
}
