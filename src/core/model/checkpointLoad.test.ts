import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENCODING_OPTIONS } from '../encoding/options';
import { ClaraError } from '../errors';
import { Adam } from './adam';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint';

const config = {
  vocabSize: 10,
  embSize: 4,
  hiddenSize: 6,
  layers: 2,
  dropoutEmb: 0,
  dropoutInput: 0,
  dropoutHidden: 0,
  dropoutOutput: 0,
  weightDrop: 0,
};
let root: string;
let good: string;

beforeAll(async () => {
  await initBackend('cpu');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-cpload-'));
  good = path.join(root, 'good');
  const model = new AwdLstm(config, 3);
  const opt = new Adam(model.params(), 0.9, 0.99, 0);
  await saveCheckpoint(good, model, opt, {
    encoding: 'notewise',
    encodingOptions: { ...DEFAULT_ENCODING_OPTIONS },
    vocab: Array.from({ length: config.vocabSize }, (_, i) => `w${i}`),
    trainer: null,
  });
  model.dispose();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A copy of the good checkpoint, changed by `edit` (its meta) and `bytes` (its weights.bin). */
function variant(name: string, edit?: (m: CheckpointMeta) => void, bytes?: (b: Buffer) => Buffer | null): string {
  const dir = path.join(root, name);
  fs.cpSync(good, dir, { recursive: true });
  if (edit) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as CheckpointMeta;
    edit(meta);
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), JSON.stringify(meta));
  }
  if (bytes) {
    const out = bytes(fs.readFileSync(path.join(dir, 'weights.bin')));
    if (out) fs.writeFileSync(path.join(dir, 'weights.bin'), out);
    else fs.rmSync(path.join(dir, 'weights.bin'));
  }
  return dir;
}

function refusal(dir: string, withOptimizer = false): ClaraError {
  try {
    const r = loadCheckpoint(
      dir,
      withOptimizer ? { makeOptimizer: (m) => new Adam(m.params(), 0.9, 0.99, 0) } : undefined,
    );
    r.model.dispose();
  } catch (err) {
    expect(err).toBeInstanceOf(ClaraError);
    return err as ClaraError;
  }
  throw new Error(`${dir} loaded`);
}

describe('loading a checkpoint refuses what is not one, before allocating anything', () => {
  it('loads a good one, optimizer moments included', () => {
    const r = loadCheckpoint(good, { makeOptimizer: (m) => new Adam(m.params(), 0.9, 0.99, 0) });
    expect(r.model.paramCount()).toBeGreaterThan(0);
    expect(r.optimizer).not.toBeNull();
    r.model.dispose();
  });

  it('names a missing or truncated weights.bin', () => {
    const missing = variant('missing', undefined, () => null);
    expect(refusal(missing).message).toBe(
      `${path.join(missing, 'weights.bin')}: missing: the checkpoint has no weights`,
    );
    const truncated = variant('truncated', undefined, (b) => b.subarray(0, 100));
    expect(refusal(truncated).message).toMatch(
      /weights\.bin: holds only 25 numbers but the checkpoint declares \d+: truncated/,
    );
  });

  it('refuses absurd declared sizes at once, without trying to allocate them', () => {
    const t0 = performance.now();
    const rss0 = process.memoryUsage().rss;
    expect(refusal(variant('hidden', (m) => void (m.model.hiddenSize = 1e9))).message).toMatch(
      /checkpoint\.json: model\.hiddenSize 1000000000 is out of range/,
    );
    expect(refusal(variant('layers', (m) => void (m.model.layers = 1e9))).message).toMatch(/model\.layers/);
    expect(refusal(variant('nonint', (m) => void (m.model.embSize = 2.5))).message).toMatch(/model\.embSize/);
    expect(refusal(variant('vocab', (m) => void (m.model.vocabSize = 11))).message).toMatch(
      /model\.vocabSize 11 does not match the 10 words of its vocabulary/,
    );
    // Plausible sizes, but more numbers than weights.bin holds.
    expect(refusal(variant('big', (m) => void (m.model.hiddenSize = 4096))).message).toMatch(
      /weights\.bin: holds only \d+ numbers but the checkpoint declares \d+/,
    );
    // Shapes whose product overflows, or that disagree with the model.
    expect(refusal(variant('overflow', (m) => void (m.weights[0]!.shape = [2 ** 40, 2 ** 40]))).message).toMatch(
      /weight emb has shape \[1099511627776,1099511627776\], the model needs \[10,4\]/,
    );
    expect(refusal(variant('offset', (m) => void (m.weights[2]!.offset = 1e12))).message).toMatch(
      /weight l0_wx lies past the end of weights\.bin/,
    );
    expect(refusal(variant('dropped', (m) => void m.weights.splice(3, 1))).message).toMatch(/weight l0_wh is missing/);
    expect(
      refusal(
        variant('optimizer', (m) => void (m.optimizer!.entries[0]!.shape = [1e9])),
        true,
      ).message,
    ).toMatch(/optimizer entry m\/emb has shape \[1000000000\]/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 2 ** 20);
  });

  it('refuses weights or moments that hold NaN or Inf, naming the checkpoint', () => {
    const nan = variant('nan', undefined, (b) => {
      const f = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      f[f.length - 1] = Number.NaN;
      return Buffer.from(f.buffer);
    });
    expect(refusal(nan).message).toBe(
      `${nan}: weight l1_b holds NaN or Inf: the checkpoint is corrupt (its training diverged?)`,
    );
    const inf = variant('inf');
    const optFile = path.join(inf, 'optimizer.bin');
    const o = fs.readFileSync(optFile);
    o.writeFloatLE(Number.POSITIVE_INFINITY, 0);
    fs.writeFileSync(optFile, o);
    expect(refusal(inf, true).message).toMatch(/inf: optimizer entry m\/emb holds NaN or Inf/);
  });
});
