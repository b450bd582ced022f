import fs from 'node:fs';
import path from 'node:path';
import { asDiskError } from '../diskErrors';
import { pidAlive } from '../pid';
import { ClaraError } from '../errors';
import { readFormatJson } from '../files';
import { withSavedDefaults, type EncodingName, type EncodingOptions } from '../encoding/options';
import type { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import type { NoteLimits } from '../generate/noteLimits';
import type { ModelConfig } from './presets';
import * as tf from './tf';

export const CHECKPOINT_FORMAT = 'clara-checkpoint';

interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset in float32 elements within its .bin file. */
  offset: number;
}

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  model: ModelConfig;
  encoding: EncodingName;
  encodingOptions: EncodingOptions;
  vocab: string[];
  weights: TensorEntry[];
  optimizer: { step: number; entries: TensorEntry[] } | null;
  /** Whatever the trainer needs to continue exactly (step, epoch, data cursors, schedule, early stopping). */
  trainer: unknown;
  /** How long notes last in the training data, for the generator; absent in older checkpoints. */
  noteLimits?: NoteLimits;
}

function pack(tensors: Array<[string, tf.Tensor]>): { entries: TensorEntry[]; bytes: Buffer } {
  const entries: TensorEntry[] = [];
  let offset = 0;
  const parts: Float32Array[] = [];
  for (const [name, t] of tensors) {
    entries.push({ name, shape: t.shape, offset });
    const data = t.dataSync() as Float32Array;
    parts.push(data);
    offset += data.length;
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { entries, bytes: Buffer.from(all.buffer, all.byteOffset, all.byteLength) };
}

function writeFileSynced(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a checkpoint directory atomically: everything goes into a temporary sibling first and is
 * renamed into place only when complete, so a kill at any moment leaves either the old checkpoint
 * or the new one, never half of one.
 */
export function saveCheckpoint(
  dir: string,
  model: AwdLstm,
  opt: Adam | null,
  meta: Omit<CheckpointMeta, 'format' | 'version' | 'weights' | 'optimizer' | 'model'>,
): void {
  const tmp = `${dir}${TMP_MARK}${process.pid}`;
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    const weights = pack([...model.params()]);
    writeFileSynced(path.join(tmp, 'weights.bin'), weights.bytes);
    let optimizer: CheckpointMeta['optimizer'] = null;
    if (opt) {
      const moments = pack([
        ...[...opt.m].map(([k, v]) => [`m/${k}`, v] as [string, tf.Tensor]),
        ...[...opt.v].map(([k, v]) => [`v/${k}`, v] as [string, tf.Tensor]),
      ]);
      writeFileSynced(path.join(tmp, 'optimizer.bin'), moments.bytes);
      optimizer = { step: opt.step, entries: moments.entries };
    }
    const full: CheckpointMeta = { format: CHECKPOINT_FORMAT, version: 1, model: model.config, weights: weights.entries, optimizer, ...meta };
    writeFileSynced(path.join(tmp, 'checkpoint.json'), JSON.stringify(full));
  } catch (err) {
    // A full disk mid-write: leave no half checkpoint behind, and say which folder.
    fs.rmSync(tmp, { recursive: true, force: true });
    throw asDiskError(err, path.dirname(dir));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

const TMP_MARK = '.tmp-';

/**
 * Removes half-written checkpoint folders (`NAME.tmp-PID`) under `root` left by a process that
 * died while saving; a live process's are left alone.
 */
export function removeStaleTemp(root: string): string[] {
  const removed: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const full = path.join(dir, e.name);
      const m = /\.tmp-(\d+)$/.exec(e.name);
      if (m) {
        if (Number(m[1]) === process.pid || !pidAlive(Number(m[1]))) {
          fs.rmSync(full, { recursive: true, force: true });
          removed.push(full);
        }
      } else if (depth > 0) walk(full, depth - 1);
    }
  };
  walk(root, 2);
  return removed;
}


export function readCheckpointMeta(dir: string): CheckpointMeta {
  const meta = readFormatJson<CheckpointMeta>(path.join(dir, 'checkpoint.json'), CHECKPOINT_FORMAT, 'checkpoint', 'bad-checkpoint');
  return { ...meta, encodingOptions: withSavedDefaults(meta.encodingOptions) };
}

function unpackInto(file: string, entries: TensorEntry[], assign: (name: string, t: tf.Tensor) => void): void {
  const buf = fs.readFileSync(file);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  for (const e of entries) {
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (e.offset + n > all.length) throw new ClaraError(`truncated: ${e.name} lies past the end`, 'bad-checkpoint', file);
    const t = tf.tensor(all.slice(e.offset, e.offset + n), e.shape);
    assign(e.name, t);
    t.dispose();
  }
}

/** Loads a model (and, when given, the optimizer's moments) from a checkpoint directory. */
export function loadCheckpoint(dir: string, opt?: { makeOptimizer: (model: AwdLstm) => Adam }): { model: AwdLstm; optimizer: Adam | null; meta: CheckpointMeta } {
  const meta = readCheckpointMeta(dir);
  const model = new AwdLstm(meta.model);
  const params = model.params();
  unpackInto(path.join(dir, 'weights.bin'), meta.weights, (name, t) => {
    const v = params.get(name);
    if (!v || v.shape.join() !== t.shape.join()) throw new ClaraError(`weight ${name} does not fit the model`, 'bad-checkpoint', dir);
    v.assign(t);
  });
  let optimizer: Adam | null = null;
  if (opt && meta.optimizer) {
    optimizer = opt.makeOptimizer(model);
    const o = optimizer;
    o.step = meta.optimizer.step;
    unpackInto(path.join(dir, 'optimizer.bin'), meta.optimizer.entries, (name, t) => {
      const [kind, key] = [name.slice(0, 1), name.slice(2)];
      (kind === 'm' ? o.m : o.v).get(key)?.assign(t);
    });
  }
  return { model, optimizer, meta };
}
