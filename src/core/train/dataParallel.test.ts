import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../model/adam';
import { AwdLstm } from '../model/awdLstm';
import { initBackend } from '../model/backend';
import { splitRows, takeRows } from '../model/batchRows';
import type { ModelConfig } from '../model/presets';
import * as tf from '../model/tf';
import { computeGradients, evaluateWindows, type Window } from '../model/trainStep';
import { DataParallel, workerCount } from './dataParallel';

// Dropout everywhere, so the test sees that every mask is the one the whole batch would draw.
const CONFIG: ModelConfig = {
  vocabSize: 23,
  embSize: 16,
  hiddenSize: 24,
  layers: 2,
  dropoutEmb: 0.1,
  dropoutInput: 0.2,
  dropoutHidden: 0.2,
  dropoutOutput: 0.3,
  weightDrop: 0.3,
};
const REG = { alpha: 2, beta: 1, clip: 0.25 };

function window(T: number, B: number, salt: number): Window {
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  for (let i = 0; i < T * B; i++) {
    inputs[i] = (i * 7 + salt * 3 + ((i * i) % 5)) % CONFIG.vocabSize;
    targets[i] = (i * 11 + salt + 1) % CONFIG.vocabSize;
  }
  return { inputs, targets, T, B };
}

function values(grads: Map<string, tf.Tensor>): Map<string, Float32Array> {
  return new Map([...grads].map(([k, g]) => [k, g.dataSync() as Float32Array]));
}

function maxRelError(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [k, x] of a) {
    const y = b.get(k)!;
    let num = 0;
    let den = 0;
    for (let i = 0; i < x.length; i++) {
      num = Math.max(num, Math.abs(x[i]! - y[i]!));
      den = Math.max(den, Math.abs(x[i]!));
    }
    worst = Math.max(worst, num / Math.max(den, 1e-8));
  }
  return worst;
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('batch rows', () => {
  it('splits a batch into contiguous shares that cover it', () => {
    expect(splitRows(32, 3).map((r) => r.count)).toEqual([10, 11, 11]);
    expect(splitRows(5, 2)).toEqual([
      { offset: 0, count: 2, total: 5 },
      { offset: 2, count: 3, total: 5 },
    ]);
    const a = Int32Array.from({ length: 3 * 5 }, (_, i) => i);
    // Time-major [3, 5]: rows 2..4 of every time step.
    expect([...takeRows(a, 3, { offset: 2, count: 3, total: 5 })]).toEqual([2, 3, 4, 7, 8, 9, 12, 13, 14]);
  });

  it('chooses one worker per core on CPU backends, one on native ones, never more than the rows', () => {
    expect(workerCount(undefined, 'wasm', 32, 2).count).toBe(2);
    expect(workerCount(undefined, 'wasm', 32, 64).count).toBe(8);
    expect(workerCount(4, 'wasm', 3, 2)).toEqual({ count: 3, why: '3 workers: the batch has 3 rows' });
    expect(workerCount(4, 'node', 32, 8).count).toBe(1);
    expect(workerCount(4, 'node', 32, 8).why).toMatch(/uses every core/);
  });
});

describe('data-parallel training', () => {
  /**
   * Runs `fn` with a fresh model (variable names are global in tfjs: one main-thread model at a
   * time), an optimiser and a pool of `workers`, and frees them after.
   */
  async function withPool<T>(workers: number, fn: (pool: DataParallel, model: AwdLstm) => Promise<T>): Promise<T> {
    const model = new AwdLstm(CONFIG, 5);
    const opt = new Adam(model.params(), 0.7, 0.99, 1.2e-6);
    const pool = await DataParallel.open(model, opt, workers, 'wasm');
    try {
      return await fn(pool, model);
    } finally {
      await pool.close();
      model.dispose();
      opt.dispose();
    }
  }

  /** Three windows in a row (the hidden state carried): each window's summed gradients and loss terms. */
  const threeWindows = (workers: number) =>
    withPool(workers, async (pool, model) => {
      const out: { grads: Map<string, Float32Array>; loss: number; ce: number; correct: number; perWorker: number }[] =
        [];
      let ownState = model.zeroState(5);
      for (let k = 0; k < 3; k++) {
        const w = window(9, 5, k);
        const g = await pool.gradients(w, 100 + k, REG);
        out.push({
          grads: values(g.grads),
          loss: g.loss,
          ce: g.ce,
          correct: g.correct,
          perWorker: g.workerTokensPerSec.length,
        });
        g.grads.forEach((t) => t.dispose());
        if (workers === 1) {
          // The old single-thread path, for the bit-for-bit check below.
          const r = await computeGradients(model, w, ownState, 100 + k, REG);
          ownState = r.state;
          out.push({ grads: values(r.grads), loss: r.loss, ce: r.ce, correct: r.correct, perWorker: 1 });
          r.grads.forEach((t) => t.dispose());
        }
      }
      ownState.forEach((s) => (s.h.dispose(), s.c.dispose()));
      return out;
    });

  it('sums the workers’ gradients to the whole batch’s, window after window', async () => {
    const one = await threeWindows(1);
    const three = await threeWindows(3);
    for (let k = 0; k < 3; k++) {
      const [pooled, direct] = [one[2 * k]!, one[2 * k + 1]!];
      // One worker is the old path, bit for bit.
      expect(maxRelError(direct.grads, pooled.grads)).toBe(0);
      const b = three[k]!;
      expect(b.perWorker).toBe(3);
      expect(maxRelError(pooled.grads, b.grads)).toBeLessThan(1e-4);
      expect(b.loss).toBeCloseTo(pooled.loss, 5);
      expect(b.ce).toBeCloseTo(pooled.ce, 5);
      expect(b.correct).toBe(pooled.correct);
    }
  });

  /** Four optimiser steps (a new epoch after the second), then the weights and a validation. */
  const fourSteps = (workers: number) =>
    withPool(workers, async (pool, model) => {
      const norms: number[] = [];
      const live: number[] = [];
      for (let k = 0; k < 4; k++) {
        norms.push((await pool.step(window(8, 4, 10 + k), 7 + k, 3e-3, REG)).gradNorm);
        if (k === 1) pool.resetHidden();
        live.push(tf.memory().numTensors);
      }
      // Nothing leaks step over step: only the carried hidden state lives between steps.
      expect(live[3]).toBe(live[0]);
      const val = [window(6, 4, 50), window(6, 4, 51)];
      const weights = new Map([...model.params()].map(([k, v]) => [k, v.dataSync() as Float32Array]));
      return { norms, weights, val: await pool.evaluate(val), direct: await evaluateWindows(model, val) };
    });

  it('keeps the replicas in step: same weights after steps, same validation', async () => {
    const a = await fourSteps(1);
    const b = await fourSteps(2);
    b.norms.forEach((n, i) => expect(n).toBeCloseTo(a.norms[i]!, 4));
    expect(maxRelError(a.weights, b.weights)).toBeLessThan(1e-4);
    expect(b.val.loss).toBeCloseTo(a.val.loss, 5);
    expect(b.val.accuracy).toBe(a.val.accuracy);
    expect(a.val.loss).toBe(a.direct.loss);
  });
});
