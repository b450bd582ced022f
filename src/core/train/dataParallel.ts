import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ClaraError } from '../errors';
import type { Adam } from '../model/adam';
import type { AwdLstm } from '../model/awdLstm';
import type { BackendChoice } from '../model/backend';
import { splitRows, takeRows, type BatchRows } from '../model/batchRows';
import { disposeStates, type LstmState } from '../model/lstm';
import type { OptimConfig } from '../model/presets';
import * as tf from '../model/tf';
import {
  applyGradients,
  computeGradients,
  evalResult,
  evalSums,
  type EvalSums,
  type Gradients,
  type Window,
} from '../model/trainStep';
import { workerEntry } from '../workers/entry';
import type { FromWorker, ParamLayout, ToWorker } from './gradProtocol';

/** More threads than this rarely pay: each holds a model replica, and the shares get thin. */
export const MAX_DEFAULT_WORKERS = 8;

/** Backends that run on one core each, so that more cores need more workers. */
const PER_CORE_BACKENDS: readonly BackendChoice[] = ['wasm', 'cpu'];

/**
 * How many data-parallel workers a run uses: the number asked for, else one per core (up to
 * MAX_DEFAULT_WORKERS), never more than the batch has rows; one for backends that use every core
 * (or a GPU) by themselves. `why` says so when the number differs from the one asked for.
 */
export function workerCount(
  requested: number | undefined,
  backend: BackendChoice,
  batchSize: number,
  cores = os.availableParallelism(),
): { count: number; why: string | null } {
  if (!PER_CORE_BACKENDS.includes(backend))
    return {
      count: 1,
      why: requested && requested > 1 ? `one worker: the ${backend} backend uses every core by itself` : null,
    };
  const want = requested ?? Math.min(cores, MAX_DEFAULT_WORKERS);
  if (want > batchSize) return { count: batchSize, why: `${batchSize} workers: the batch has ${batchSize} rows` };
  return { count: want, why: null };
}

/** One optimisation step of the whole batch, over every worker. */
export interface ParallelStep {
  loss: number;
  ce: number;
  accuracy: number;
  gradNorm: number;
  /** Tokens a second of each worker's share (this thread's first), while it computed. */
  workerTokensPerSec: number[];
}

function layoutOf(model: AwdLstm): ParamLayout {
  const names: string[] = [];
  const shapes: number[][] = [];
  const offsets: number[] = [];
  let total = 0;
  for (const [name, v] of model.params()) {
    names.push(name);
    shapes.push(v.shape);
    offsets.push(total);
    total += v.size;
  }
  return { names, shapes, offsets, total };
}

/** A gradient worker thread: one request at a time; a crash fails the request in flight and every later one. */
class GradThread {
  private readonly worker: Worker;
  private pending: { resolve: (r: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  constructor(
    readonly index: number,
    readonly grads: Float32Array,
  ) {
    const entry = workerEntry(import.meta.url, './gradWorker.ts', 'gradWorker.js');
    this.worker = new Worker(entry.file, { workerData: entry.workerData });
    const fail = (why: string): void => {
      this.dead ??= new ClaraError(
        `training worker ${index + 1} stopped (${why}); the latest checkpoint is intact: resume the run`,
        'worker',
        'training',
      );
      const p = this.pending;
      this.pending = null;
      p?.reject(this.dead);
    };
    this.worker.on('message', (reply: FromWorker) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (reply.type === 'error')
        p.reject(new ClaraError(`training worker ${index + 1}: ${reply.message}`, 'worker', 'training'));
      else p.resolve(reply);
    });
    this.worker.on('error', (err) => fail(err.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  request<T extends FromWorker['type']>(
    msg: ToWorker,
    transfer: ArrayBuffer[] = [],
  ): Promise<Extract<FromWorker, { type: T }>> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (r: FromWorker) => void, reject };
      this.worker.postMessage(msg, transfer);
    });
  }

  /** A message with no answer (the weights to load ahead of the next step). */
  tell(msg: ToWorker): void {
    if (!this.dead) this.worker.postMessage(msg);
  }

  async close(): Promise<void> {
    this.dead ??= new Error('closed');
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/**
 * Data-parallel training on one machine: this thread and N − 1 worker threads each compute the
 * gradient of their share of every batch (BatchRows: the whole batch's dropout masks, the share's
 * loss weighted by its size), the gradients are summed here, clipped and applied once by the one
 * optimiser, and the new weights published to the workers through shared memory. A step therefore
 * means the same with any number of workers: same batch, schedule and checkpoints; a run resumes
 * with another number. Each worker carries the hidden state of its own rows.
 */
export class DataParallel {
  private hidden: LstmState[] | null = null;
  private resetPending = false;
  private version = 0;
  private readonly weights: Float32Array | null;

  private constructor(
    private readonly model: AwdLstm,
    private readonly opt: Adam,
    private readonly layout: ParamLayout,
    private readonly threads: GradThread[],
    sharedWeights: SharedArrayBuffer | null,
  ) {
    this.weights = sharedWeights ? new Float32Array(sharedWeights) : null;
  }

  /** Starts `workers − 1` threads beside this one (none for one worker) with replicas of the model. */
  static async open(model: AwdLstm, opt: Adam, workers: number, backend: BackendChoice): Promise<DataParallel> {
    const layout = layoutOf(model);
    if (workers <= 1) return new DataParallel(model, opt, layout, [], null);
    const bytes = layout.total * Float32Array.BYTES_PER_ELEMENT;
    const weights = new SharedArrayBuffer(bytes);
    const threads: GradThread[] = [];
    try {
      for (let k = 1; k < workers; k++) {
        const grads = new SharedArrayBuffer(bytes);
        const t = new GradThread(k, new Float32Array(grads));
        threads.push(t);
        await t.request<'ready'>({ type: 'init', backend, config: model.config, layout, weights, grads, index: k });
      }
    } catch (err) {
      await Promise.all(threads.map((t) => t.close()));
      throw err;
    }
    return new DataParallel(model, opt, layout, threads, weights);
  }

  get workers(): number {
    return this.threads.length + 1;
  }

  /** Zeroes every worker's carried hidden state before the next window (a new epoch). */
  resetHidden(): void {
    if (this.hidden) disposeStates(this.hidden);
    this.hidden = null;
    this.resetPending = true;
  }

  /** Writes the weights into shared memory when an optimiser step changed them since the last time. */
  private publish(): void {
    if (!this.weights || this.published === this.version) return;
    const params = this.model.params();
    this.layout.names.forEach((name, i) => {
      this.weights!.set(params.get(name)!.dataSync() as Float32Array, this.layout.offsets[i]);
    });
    this.published = this.version;
  }
  private published = -1;

  /** One optimisation step on a whole window: every share's gradient, summed, clipped, applied once. */
  async step(
    w: Window,
    seed: number,
    lr: number,
    cfg: Pick<OptimConfig, 'alpha' | 'beta' | 'clip'>,
  ): Promise<ParallelStep> {
    const g = await this.gradients(w, seed, cfg);
    const gradNorm = await applyGradients(this.opt, g.grads, lr, cfg);
    this.version++;
    // The workers copy the new weights in while this thread returns to the trainer (events, the
    // next window), not at the start of the next step while this thread already computes.
    this.publish();
    for (const t of this.threads) t.tell({ type: 'load', version: this.version });
    return {
      loss: g.loss,
      ce: g.ce,
      accuracy: g.correct / (w.T * w.B),
      gradNorm,
      workerTokensPerSec: g.workerTokensPerSec,
    };
  }

  /**
   * The gradient of the whole window's loss, summed over every worker's share (the caller owns the
   * tensors), with the loss terms; advances every share's hidden state.
   */
  async gradients(
    w: Window,
    seed: number,
    cfg: Pick<OptimConfig, 'alpha' | 'beta'>,
  ): Promise<Omit<Gradients, 'state'> & { workerTokensPerSec: number[] }> {
    const shares = splitRows(w.B, this.workers);
    this.publish();
    const reset = this.resetPending;
    this.resetPending = false;
    const asked = this.threads.map((t, k) => {
      const rows = shares[k + 1]!;
      const inputs = takeRows(w.inputs, w.T, rows);
      const targets = takeRows(w.targets, w.T, rows);
      const msg: ToWorker = {
        type: 'step',
        version: this.version,
        reset,
        inputs,
        targets,
        T: w.T,
        rows,
        seed,
        reg: { alpha: cfg.alpha, beta: cfg.beta },
      };
      return t.request<'step'>(msg, [inputs.buffer, targets.buffer]);
    });
    // Settled, not raced: a failing worker must not leave another one's answer unread.
    const answers = Promise.allSettled(asked);
    const mine = shares[0]!;
    const t0 = performance.now();
    const own = await computeGradients(
      this.model,
      this.share(w, mine),
      this.hidden ?? this.model.zeroState(mine.count),
      seed,
      cfg,
      mine,
    );
    const ownMs = performance.now() - t0;
    this.hidden = own.state;
    const settled = await answers;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      for (const g of own.grads.values()) g.dispose();
      throw failed.reason;
    }
    const replies = settled.map((s) => (s as PromiseFulfilledResult<Extract<FromWorker, { type: 'step' }>>).value);
    const tokensPerSec = (rows: BatchRows, ms: number): number => (w.T * rows.count * 1000) / Math.max(ms, 1e-3);
    return {
      grads: this.sum(own.grads),
      loss: own.loss + replies.reduce((s, r) => s + r.loss, 0),
      ce: own.ce + replies.reduce((s, r) => s + r.ce, 0),
      correct: own.correct + replies.reduce((s, r) => s + r.correct, 0),
      workerTokensPerSec: [tokensPerSec(mine, ownMs), ...replies.map((r, k) => tokensPerSec(shares[k + 1]!, r.ms))],
    };
  }

  /** This thread's share of a window (the whole window with one worker). */
  private share(w: Window, rows: BatchRows): Window {
    if (rows.count === w.B) return w;
    return { inputs: takeRows(w.inputs, w.T, rows), targets: takeRows(w.targets, w.T, rows), T: w.T, B: rows.count };
  }

  /** This thread's gradients plus every worker's, from shared memory. */
  private sum(own: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
    if (this.threads.length === 0) return own;
    const out = new Map<string, tf.Tensor>();
    this.layout.names.forEach((name, i) => {
      const g = own.get(name);
      if (!g) return;
      const off = this.layout.offsets[i]!;
      const summed = tf.tidy(() =>
        // Views, not copies: each is read once by addN here, before a worker writes its next share.
        tf.addN([g, ...this.threads.map((t) => tf.tensor(t.grads.subarray(off, off + g.size), g.shape))]),
      );
      g.dispose();
      out.set(name, summed);
    });
    return out;
  }

  /** Validation over every worker: each evaluates its rows of every window; the sums add up. */
  async evaluate(windows: readonly Window[]): Promise<{ loss: number; accuracy: number }> {
    if (windows.length === 0 || this.threads.length === 0) return evalResult(await evalSums(this.model, windows));
    this.publish();
    const B = windows[0]!.B;
    const shares = splitRows(B, Math.min(this.workers, B));
    const cut = (rows: BatchRows): Window[] => windows.map((w) => this.share(w, rows));
    const asked = this.threads
      .map((t, k) => ({ t, rows: shares[k + 1] }))
      .filter((x): x is { t: GradThread; rows: BatchRows } => x.rows !== undefined && x.rows.count > 0)
      .map(({ t, rows }) => t.request<'eval'>({ type: 'eval', version: this.version, windows: cut(rows) }));
    const answers = Promise.allSettled(asked);
    const own = await evalSums(this.model, cut(shares[0]!));
    const settled = await answers;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const all: EvalSums[] = [own, ...settled.map((s) => (s as PromiseFulfilledResult<{ sums: EvalSums }>).value.sums)];
    return evalResult({
      ceSum: all.reduce((s, x) => s + x.ceSum, 0),
      correct: all.reduce((s, x) => s + x.correct, 0),
      count: all.reduce((s, x) => s + x.count, 0),
    });
  }

  /** Stops the worker threads and frees this thread's hidden state. */
  async close(): Promise<void> {
    if (this.hidden) disposeStates(this.hidden);
    this.hidden = null;
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
