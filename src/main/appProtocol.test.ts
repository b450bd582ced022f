import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// protocol.handle's handler is captured; net.fetch reads file URLs from disk as Electron's would.
const h = vi.hoisted(() => ({ handler: null as null | ((r: Request) => Promise<Response>) }));
vi.mock('electron', async () => {
  const fsp = await import('node:fs/promises');
  return {
    protocol: {
      handle: (_scheme: string, fn: (r: Request) => Promise<Response>) => void (h.handler = fn),
      registerSchemesAsPrivileged: () => {},
    },
    net: { fetch: async (url: string) => new Response(await fsp.readFile(fileURLToPath(url))) },
  };
});

const { serveAppProtocol } = await import('./appProtocol');
const { CSP } = await import('./security');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-app-'));
const renderer = path.join(tmp, 'renderer');
beforeAll(() => {
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'index.js'), 'export {}');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  serveAppProtocol(renderer);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const get = (url: string) => h.handler!(new Request(url));

describe('the app:// handler', () => {
  it('serves the renderer, pages with the desktop CSP', async () => {
    const page = await get('app://studio/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CSP);
    expect(await (await get('app://studio/assets/index.js')).text()).toBe('export {}');
  });

  it('answers a malformed percent-encoding with 400 instead of throwing', async () => {
    expect((await get('app://studio/%E0%A4%A')).status).toBe(400);
  });

  it('answers 404 outside the renderer folder, for other hosts and for missing files', async () => {
    for (const u of [
      'app://studio/..%2fsecret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://other/index.html',
      'app://studio/missing.js',
    ]) {
      const res = await get(u);
      expect(res.status, u).toBe(404);
    }
  });
});
