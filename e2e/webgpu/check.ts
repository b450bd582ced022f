/**
 * Runs in headless chromium (e2e/webgpu.e2e.test.ts): the training model's forward pass, its
 * hand-written backward (with the fused WebGPU cell kernels) and a few optimiser steps, once on
 * wasm and once on webgpu, so the spec can compare them. Bundled by vite for the page.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { Adam } from '../../src/core/model/adam';
import { AwdLstm } from '../../src/core/model/awdLstm';
import type { ModelConfig } from '../../src/core/model/presets';
import * as tf from '../../src/core/model/tf';
import { applyGradients, computeGradients, evaluateWindows, type Window } from '../../src/core/model/trainStep';
import { installFastWasmKernels } from '../../src/core/model/wasmKernels';
import { fusedCellActive, installWebgpuCellKernels } from '../../src/core/model/webgpuCell';

const CONFIG: ModelConfig = {
  vocabSize: 31,
  embSize: 24,
  hiddenSize: 40,
  layers: 2,
  dropoutEmb: 0.05,
  dropoutInput: 0.1,
  dropoutHidden: 0.1,
  dropoutOutput: 0.1,
  weightDrop: 0.2,
};
const REG = { alpha: 2, beta: 1, clip: 0.3 };

function window(T: number, B: number, salt: number): Window {
  const inputs = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  for (let i = 0; i < T * B; i++) {
    inputs[i] = (i * 7 + salt * 5 + ((i * i) % 11)) % CONFIG.vocabSize;
    targets[i] = (i * 13 + salt + 3) % CONFIG.vocabSize;
  }
  return { inputs, targets, T, B };
}

export interface BackendRun {
  backend: string;
  fused: boolean;
  loss: number;
  grads: Record<string, number[]>;
  trainLosses: number[];
  valLoss: number;
}

async function runOn(backend: 'wasm' | 'webgpu'): Promise<BackendRun> {
  if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not initialise`);
  if (backend === 'wasm') installFastWasmKernels();
  else installWebgpuCellKernels();
  const model = new AwdLstm(CONFIG, 3);
  const opt = new Adam(model.params(), 0.7, 0.99, 1e-6);
  try {
    // One window's gradient, from a zero state.
    const g = await computeGradients(model, window(12, 4, 0), model.zeroState(4), 11, REG);
    const grads: Record<string, number[]> = {};
    for (const [k, t] of g.grads) grads[k] = Array.from(await t.data());
    g.grads.forEach((t) => t.dispose());
    g.state.forEach((s) => (s.h.dispose(), s.c.dispose()));
    // A few optimiser steps with the state carried, then a validation pass.
    let state = model.zeroState(4);
    const trainLosses: number[] = [];
    for (let k = 0; k < 6; k++) {
      const r = await computeGradients(model, window(12, 4, 1 + k), state, 20 + k, REG);
      state = r.state;
      await applyGradients(opt, r.grads, 5e-3, REG);
      trainLosses.push(r.loss);
    }
    state.forEach((s) => (s.h.dispose(), s.c.dispose()));
    const valLoss = (await evaluateWindows(model, [window(10, 4, 40), window(10, 4, 41)])).loss;
    return { backend: tf.getBackend(), fused: fusedCellActive(), loss: g.loss, grads, trainLosses, valLoss };
  } finally {
    model.dispose();
    opt.dispose();
  }
}

/** Both runs, wasm first; the page exposes it to the spec (e2e/webgpu.e2e.test.ts serves the page). */
export async function check(): Promise<{ adapter: string; runs: BackendRun[] }> {
  setWasmPaths('/wasm/');
  // The spec's type-check has no DOM types: the page's navigator through globalThis.
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  const adapter = await gpu?.requestAdapter();
  const info = adapter ? [adapter.info.vendor, adapter.info.architecture].join(' ') : 'none';
  const runs = [await runOn('wasm'), await runOn('webgpu')];
  return { adapter: info, runs };
}
