import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from './tf';
import { ClaraError, errorMessage } from '../errors';
import { installFastWasmKernels } from './wasmKernels';
import { installWebgpuCellKernels } from './webgpuCell';
import { BACKEND_ORDER } from '../../shared/options';

export { BACKEND_ORDER };
/** What `auto` tries for generation and scoring: every backend but WebGPU (see initBackend). */
const INFERENCE_ORDER = BACKEND_ORDER.filter((b) => b !== 'webgpu');
export type BackendChoice = (typeof BACKEND_ORDER)[number];

export interface BackendReport {
  /** What was asked for (`auto` tries each in order). */
  requested: BackendChoice | 'auto';
  chosen: BackendChoice;
  /** tfjs's own backend name: tensorflow, wasm or cpu. */
  tfBackend: string;
  /** Why each better backend was skipped, in words a user can act on. */
  skipped: Array<{ backend: BackendChoice; reason: string }>;
  detail: string;
}

const require = createRequire(import.meta.url);
let current: BackendReport | null = null;

async function tryNative(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<string> {
  try {
    require.resolve(pkg);
  } catch {
    throw new Error(
      `${pkg} is not installed (optional: \`npm install ${pkg}\` where its native TensorFlow can be downloaded)`,
    );
  }
  try {
    await import(pkg);
  } catch (err) {
    throw new Error(`${pkg} is installed but failed to load: ${errorMessage(err).split('\n')[0]}`);
  }
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but its tensorflow backend did not initialise`);
  return pkg;
}

async function tryWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  wasm.setWasmPaths(`${path.join(dir, 'dist')}${path.sep}`);
  // Node has no SharedArrayBuffer worker pool for tfjs: one thread, SIMD where the CPU has it.
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  installFastWasmKernels();
  return 'WebAssembly (XNNPACK, SIMD, single thread)';
}

/** A software rasteriser's adapter (SwiftShader, llvmpipe/lavapipe, WARP): slower than wasm. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

/** The WebGPU entry point: the page's (Electron renderer, browsers), else Dawn's through the optional `webgpu` package. */
async function webGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  // Dawn prints a warning of its own when Linux has no Vulkan loader: look for one first.
  if (process.platform === 'linux' && !hasVulkanLoader())
    throw new Error("no Vulkan loader (libvulkan.so.1): install your GPU driver's Vulkan support to train on the GPU");
  let dawn: { create: (options: string[]) => GPU; globals: object };
  try {
    dawn = (await import('webgpu')) as typeof dawn;
  } catch (err) {
    throw new Error(
      `the optional \`webgpu\` package (Dawn for Node) is not installed or does not load here: ${errorMessage(err).split('\n')[0]}`,
    );
  }
  // tfjs-backend-webgpu looks for navigator.gpu and the GPU* constants as a browser has them.
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu }, configurable: true, writable: true });
  return gpu;
}

/** Whether the Vulkan loader that Dawn needs on Linux is in a library folder the dynamic linker searches. */
function hasVulkanLoader(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib64',
  ];
  return dirs.some((d) => fs.existsSync(path.join(d, 'libvulkan.so.1')));
}

async function tryWebgpu(allowSoftware: boolean): Promise<string> {
  const gpu = await webGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter (no GPU driver Dawn can use: Vulkan, Metal or Direct3D 12)');
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unnamed';
  const software =
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || SOFTWARE_ADAPTER.test(name);
  if (software && !allowSoftware)
    throw new Error(
      `only a software WebGPU adapter (${name}), slower than the CPU backends; --backend webgpu uses it anyway`,
    );
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
  installWebgpuCellKernels();
  return `WebGPU on ${name}${software ? ' (software)' : ''}`;
}

async function tryCpu(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return 'plain JavaScript';
}

const LOADERS: Record<BackendChoice, (forced: boolean) => Promise<string>> = {
  'node-gpu': () => tryNative('@tensorflow/tfjs-node-gpu'),
  webgpu: (forced) => tryWebgpu(forced),
  node: () => tryNative('@tensorflow/tfjs-node'),
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * Picks the fastest backend that works here, best first: native TensorFlow with CUDA, WebGPU (a
 * laptop's GPU through Metal, Direct3D 12 or Vulkan), native TensorFlow on the CPU, WebAssembly,
 * plain JavaScript. Never silent: the report says which was
 * chosen and why each better one was skipped. `prefer` forces one and fails if it cannot load.
 */
export async function initBackend(
  prefer: BackendChoice | 'auto' = 'auto',
  purpose: 'train' | 'infer' = 'infer',
): Promise<BackendReport> {
  if (current && (prefer === 'auto' || prefer === current.chosen)) return current;
  // Generation and scoring read each step's result back synchronously, which WebGPU in Node cannot
  // (and tokens one at a time are dispatch-bound on a GPU anyway): WebGPU serves training.
  if (prefer === 'webgpu' && purpose === 'infer')
    throw new ClaraError(
      'the webgpu backend trains models; generation and scoring run on the others (node-gpu, node, wasm, cpu)',
      'backend',
      '--backend',
    );
  const order = prefer !== 'auto' ? [prefer] : purpose === 'train' ? BACKEND_ORDER : INFERENCE_ORDER;
  const skipped: BackendReport['skipped'] = [];
  for (const b of order) {
    try {
      const detail = await LOADERS[b](prefer !== 'auto');
      current = { requested: prefer, chosen: b, tfBackend: tf.getBackend(), skipped, detail };
      return current;
    } catch (err) {
      skipped.push({ backend: b, reason: errorMessage(err) });
    }
  }
  throw new ClaraError(
    `no usable backend: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`,
    'backend',
    '--backend',
  );
}

export function describeBackend(r: BackendReport): string {
  const why = r.skipped.map((s) => `${s.backend} skipped: ${s.reason}`).join('; ');
  return `backend ${r.chosen} (${r.detail})${why ? ` — ${why}` : ''}`;
}

export function parseBackendChoice(s: string): BackendChoice | 'auto' {
  if (s === 'auto' || (BACKEND_ORDER as readonly string[]).includes(s)) return s as BackendChoice | 'auto';
  throw new ClaraError(
    `unknown backend "${s}" (expected auto, ${BACKEND_ORDER.join(', ')})`,
    'bad-option',
    '--backend',
  );
}
