import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendRun } from './webgpu/check';
import { CHROMIUM, haveBrowser, root } from './harness';

/**
 * The training model on WebGPU against wasm, in headless chromium's WebGPU (SwiftShader: no GPU
 * here, so this checks correctness, not speed): the same forward loss, the same gradients through
 * the hand-written backward and the fused cell kernels, the same losses over a few steps.
 */
let dir: string;
let server: http.Server;
let browser: Browser | null = null;
let origin: string;

beforeAll(async () => {
  if (!haveBrowser) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-webgpu-'));
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: false,
      target: 'esnext',
      minify: false,
      lib: { entry: path.join(root, 'e2e', 'webgpu', 'check.ts'), formats: ['es'], fileName: () => 'check.js' },
    },
  });
  const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file =
      url.pathname === '/'
        ? null
        : url.pathname.startsWith('/wasm/')
          ? path.join(wasmDir, path.basename(url.pathname))
          : path.join(dir, path.basename(url.pathname));
    if (!file) {
      res.setHeader('content-type', 'text/html');
      res.end(
        '<!doctype html><script type="module">import { check } from "/check.js"; window.claraWebgpuCheck = check;</script>',
      );
      return;
    }
    if (!fs.existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A secure context (WebGPU needs one): a page served from 127.0.0.1.
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function maxRelError(a: Record<string, number[]>, b: Record<string, number[]>): number {
  let worst = 0;
  for (const [k, x] of Object.entries(a)) {
    const y = b[k]!;
    expect(y, k).toHaveLength(x.length);
    const scale = Math.max(1e-6, ...x.map(Math.abs));
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / scale);
  }
  return worst;
}

describe.skipIf(!haveBrowser)('the model on WebGPU', () => {
  it('matches wasm: forward loss, every gradient, and losses over training steps', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('404') && errors.push(m.text()));
    page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
    await page.goto(origin);
    await page
      .waitForFunction(() => 'claraWebgpuCheck' in globalThis, null, { timeout: 60_000 })
      .catch((err: unknown) => {
        throw new Error(`the check page did not load: ${errors.join('; ') || String(err)}`);
      });
    const { adapter, runs } = (await page.evaluate(() =>
      (globalThis as unknown as { claraWebgpuCheck: () => Promise<unknown> }).claraWebgpuCheck(),
    )) as {
      adapter: string;
      runs: BackendRun[];
    };
    expect(errors).toEqual([]);
    expect(adapter).not.toBe('none');
    const [wasm, gpu] = runs as [BackendRun, BackendRun];
    expect(wasm.backend).toBe('wasm');
    expect(gpu.backend).toBe('webgpu');
    // The fused cell kernels ran, not the op-by-op cell.
    expect(gpu.fused).toBe(true);
    expect(wasm.fused).toBe(false);
    expect(Math.abs(gpu.loss - wasm.loss) / wasm.loss).toBeLessThan(1e-4);
    expect(maxRelError(wasm.grads, gpu.grads)).toBeLessThan(1e-3);
    gpu.trainLosses.forEach((l, i) =>
      expect(Math.abs(l - wasm.trainLosses[i]!) / wasm.trainLosses[i]!).toBeLessThan(5e-3),
    );
    expect(Math.abs(gpu.valLoss - wasm.valLoss) / wasm.valLoss).toBeLessThan(5e-3);
    // Adam's normalised steps carry float differences forward, so the steps agree to 0.5%, not bit for bit.
    process.stderr.write(
      `webgpu check (${adapter}): loss ${gpu.loss} vs ${wasm.loss}, gradients within ${maxRelError(wasm.grads, gpu.grads).toExponential(2)}, ` +
        `train losses ${gpu.trainLosses.map((l) => l.toFixed(4)).join(' ')} vs ${wasm.trainLosses.map((l) => l.toFixed(4)).join(' ')}, ` +
        `val ${gpu.valLoss.toFixed(4)} vs ${wasm.valLoss.toFixed(4)}\n`,
    );
    await page.close();
  }, 240_000);
});
