import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from './tf';
import { ClaraError, errorMessage } from '../errors';
import { installFastWasmKernels } from './wasmKernels';

export type BackendChoice = 'node-gpu' | 'node' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendChoice[] = ['node-gpu', 'node', 'wasm', 'cpu'];

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

async function tryCpu(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return 'plain JavaScript';
}

const LOADERS: Record<BackendChoice, () => Promise<string>> = {
  'node-gpu': () => tryNative('@tensorflow/tfjs-node-gpu'),
  node: () => tryNative('@tensorflow/tfjs-node'),
  wasm: tryWasm,
  cpu: tryCpu,
};

/**
 * Picks the fastest backend that works here, best first: native TensorFlow with CUDA, native
 * TensorFlow on the CPU, WebAssembly, plain JavaScript. Never silent: the report says which was
 * chosen and why each better one was skipped. `prefer` forces one and fails if it cannot load.
 */
export async function initBackend(prefer: BackendChoice | 'auto' = 'auto'): Promise<BackendReport> {
  if (current && (prefer === 'auto' || prefer === current.chosen)) return current;
  const order = prefer === 'auto' ? BACKEND_ORDER : [prefer];
  const skipped: BackendReport['skipped'] = [];
  for (const b of order) {
    try {
      const detail = await LOADERS[b]();
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
