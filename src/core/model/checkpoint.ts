import fs from 'node:fs';
import path from 'node:path';
import { removeStaleTemp, writeDirAtomicAsync } from '../atomicDir';
import { ClaraError } from '../errors';
import { readFormatJson } from '../files';
import { withSavedDefaults, type EncodingName, type EncodingOptions } from '../encoding/options';
import type { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import type { NoteLimits } from '../generate/noteLimits';
import { layerSizes, type ModelConfig } from './presets';
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
  /** The median tempo of the training pieces (quarter notes a minute): unprompted samples play at it. */
  typicalBpm?: number;
  /** The median velocity of the training notes: what notes without dynamics words are played at. */
  typicalVelocity?: number;
}

/**
 * Writes tensors as one float32 file, one tensor at a time: each is read from the backend
 * (asynchronously, as a GPU backend must) and written before the next is read. A chordwise model's
 * weights and Adam moments are 165 MB; read all at once and joined, they added twice that to the
 * trainer's peak memory at every checkpoint.
 */
async function writeTensors(file: string, tensors: Array<[string, tf.Tensor]>): Promise<TensorEntry[]> {
  const entries: TensorEntry[] = [];
  const fd = fs.openSync(file, 'w');
  try {
    let offset = 0;
    for (const [name, t] of tensors) {
      const data = (await t.data()) as Float32Array;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
      entries.push({ name, shape: t.shape, offset });
      offset += data.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return entries;
}

/**
 * Writes a checkpoint directory atomically: everything goes into a temporary sibling first and is
 * renamed into place only when complete, so a kill at any moment leaves either the old checkpoint
 * or the new one, never half of one.
 */
export async function saveCheckpoint(
  dir: string,
  model: AwdLstm,
  opt: Adam | null,
  meta: Omit<CheckpointMeta, 'format' | 'version' | 'weights' | 'optimizer' | 'model'>,
): Promise<void> {
  // One flushed, renamed-into-place write (atomicDir), so a kill leaves the old checkpoint or the new one.
  await writeDirAtomicAsync(dir, async (tmp) => {
    const weights = await writeTensors(path.join(tmp, 'weights.bin'), [...model.params()]);
    let optimizer: CheckpointMeta['optimizer'] = null;
    if (opt) {
      const entries = await writeTensors(path.join(tmp, 'optimizer.bin'), [
        ...[...opt.m].map(([k, v]) => [`m/${k}`, v] as [string, tf.Tensor]),
        ...[...opt.v].map(([k, v]) => [`v/${k}`, v] as [string, tf.Tensor]),
      ]);
      optimizer = { step: opt.step, entries };
    }
    const full: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      model: model.config,
      weights,
      optimizer,
      ...meta,
    };
    fs.writeFileSync(path.join(tmp, 'checkpoint.json'), JSON.stringify(full));
  });
}

/** Half-written checkpoint folders are cleaned by the same rule as every atomic folder write. */
export { removeStaleTemp };

export function readCheckpointMeta(dir: string): CheckpointMeta {
  const meta = readFormatJson<CheckpointMeta>(
    path.join(dir, 'checkpoint.json'),
    CHECKPOINT_FORMAT,
    'checkpoint',
    'bad-checkpoint',
  );
  return { ...meta, encodingOptions: withSavedDefaults(meta.encodingOptions) };
}

/** The tensors of one .bin file, each checked against the shape the model needs, in float32. */
function readTensors(
  dir: string,
  fileName: string,
  entries: unknown,
  want: Map<string, number[]>,
  what: string,
): Map<string, Float32Array> {
  const file = path.join(dir, fileName);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile())
    throw new ClaraError(
      `missing: the checkpoint has no ${what === 'weight' ? 'weights' : 'optimizer moments'}`,
      'bad-checkpoint',
      file,
    );
  let declared = 0;
  for (const shape of want.values()) declared += shape.reduce((a, b) => a * b, 1);
  // Sizes are checked before reading, so a lying checkpoint.json never makes us allocate its claim.
  if (stat.size !== declared * 4) {
    throw new ClaraError(
      stat.size < declared * 4
        ? `holds only ${Math.floor(stat.size / 4)} numbers but the checkpoint declares ${declared}: truncated, or not this checkpoint's file`
        : `holds ${Math.floor(stat.size / 4)} numbers, more than the ${declared} the checkpoint declares`,
      'bad-checkpoint',
      file,
    );
  }
  const buf = fs.readFileSync(file);
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const out = new Map<string, Float32Array>();
  const bad = (message: string): never => {
    throw new ClaraError(message, 'bad-checkpoint', dir);
  };
  if (!Array.isArray(entries)) bad(`${what}s are not listed in checkpoint.json`);
  for (const e of entries as Array<Partial<TensorEntry> | null>) {
    const name = String(e?.name);
    const need = want.get(name);
    if (!need) bad(`${what} ${name} is not part of the model`);
    if (out.has(name)) bad(`${what} ${name} is listed twice`);
    if (!Array.isArray(e?.shape) || e.shape.join() !== need!.join())
      bad(`${what} ${name} has shape [${String(e?.shape)}], the model needs [${need!.join()}]`);
    const n = need!.reduce((a, b) => a * b, 1);
    const offset = e!.offset;
    if (!Number.isSafeInteger(offset) || offset! < 0 || offset! + n > all.length)
      bad(`${what} ${name} lies past the end of ${fileName}`);
    const data = all.subarray(offset!, offset! + n);
    for (let i = 0; i < data.length; i++)
      if (!Number.isFinite(data[i]!))
        bad(`${what} ${name} holds NaN or Inf: the checkpoint is corrupt (its training diverged?)`);
    out.set(name, data);
  }
  for (const name of want.keys()) if (!out.has(name)) bad(`${what} ${name} is missing`);
  return out;
}

/** Loads a model (and, when given, the optimizer's moments) from a checkpoint directory. */
export function loadCheckpoint(
  dir: string,
  opt?: { makeOptimizer: (model: AwdLstm) => Adam },
): { model: AwdLstm; optimizer: Adam | null; meta: CheckpointMeta } {
  const meta = readCheckpointMeta(dir);
  const shapes = paramShapes(checkModelConfig(dir, meta));
  const weights = readTensors(dir, 'weights.bin', meta.weights, shapes, 'weight');
  const moments =
    opt && meta.optimizer
      ? readTensors(
          dir,
          'optimizer.bin',
          meta.optimizer.entries,
          new Map(
            [...shapes].flatMap(
              ([k, s]) =>
                [
                  [`m/${k}`, s],
                  [`v/${k}`, s],
                ] as Array<[string, number[]]>,
            ),
          ),
          'optimizer entry',
        )
      : null;
  const model = new AwdLstm(meta.model);
  let optimizer: Adam | null = null;
  // tf variables are named globally: a half-loaded model left behind would make every later load fail.
  try {
    for (const [name, v] of model.params()) {
      const s = shapes.get(name);
      if (!s || s.join() !== v.shape.join()) throw new Error(`paramShapes() disagrees with AwdLstm about ${name}`);
      assignFrom(v, weights.get(name)!);
    }
    if (moments) {
      optimizer = opt!.makeOptimizer(model);
      optimizer.step = meta.optimizer!.step;
      for (const [name, data] of moments) {
        const [kind, key] = [name.slice(0, 1), name.slice(2)];
        assignFrom((kind === 'm' ? optimizer.m : optimizer.v).get(key)!, data);
      }
    }
  } catch (err) {
    optimizer?.dispose();
    model.dispose();
    throw err;
  }
  return { model, optimizer, meta };
}

function assignFrom(v: tf.Variable, data: Float32Array): void {
  const t = tf.tensor(data.slice(), v.shape);
  v.assign(t);
  t.dispose();
}

const MODEL_LIMITS = { vocabSize: 1_000_000, embSize: 65_536, hiddenSize: 65_536, layers: 64 } as const;

/**
 * The model sizes a checkpoint declares, checked to be whole numbers in a sane range, so that
 * neither the shapes computed from them nor the model built from them can blow up.
 */
function checkModelConfig(dir: string, meta: CheckpointMeta): ModelConfig {
  const file = path.join(dir, 'checkpoint.json');
  const bad = (message: string): never => {
    throw new ClaraError(message, 'bad-checkpoint', file);
  };
  const m = (meta.model ?? {}) as unknown as Record<string, unknown>;
  for (const [key, max] of Object.entries(MODEL_LIMITS)) {
    const v = m[key];
    if (!(Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= max))
      bad(`model.${key} ${String(v)} is out of range (a whole number from 1 to ${max})`);
  }
  for (const key of ['dropoutEmb', 'dropoutInput', 'dropoutHidden', 'dropoutOutput', 'weightDrop']) {
    const v = m[key];
    if (!(typeof v === 'number' && v >= 0 && v < 1)) bad(`model.${key} ${String(v)} is not a rate from 0 to 1`);
  }
  const splits = m.softmaxSplits;
  if (
    splits !== undefined &&
    !(
      Array.isArray(splits) &&
      splits.length >= 1 &&
      splits.every(
        (x, i) => Number.isSafeInteger(x) && x > (i ? (splits[i - 1] as number) : 0) && x < (m.vocabSize as number),
      )
    )
  )
    bad(`model.softmaxSplits ${JSON.stringify(splits)} are not ascending word ids inside the vocabulary`);
  if (!Array.isArray(meta.vocab) || meta.vocab.length !== meta.model.vocabSize) {
    bad(
      `model.vocabSize ${meta.model.vocabSize} does not match the ${Array.isArray(meta.vocab) ? meta.vocab.length : 'missing'} words of its vocabulary`,
    );
  }
  return meta.model;
}

/** The shape of every parameter `AwdLstm` makes for a config (the loader checks the two agree). */
function paramShapes(c: ModelConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>([
    ['emb', [c.vocabSize, c.embSize]],
    ['dec_b', [c.vocabSize]],
  ]);
  layerSizes(c).forEach(({ input, hidden }, l) => {
    shapes.set(`l${l}_wx`, [input, 4 * hidden]);
    shapes.set(`l${l}_wh`, [hidden, 4 * hidden]);
    shapes.set(`l${l}_b`, [4 * hidden]);
  });
  if (c.softmaxSplits) {
    shapes.set('tail_w', [c.softmaxSplits.length, c.embSize]);
    shapes.set('tail_b', [c.softmaxSplits.length]);
  }
  return shapes;
}
