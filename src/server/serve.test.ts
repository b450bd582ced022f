import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StudioService } from '../core/studio/service';
import { openTempCatalog, type TempCatalog } from '../testing/tempCatalog';
import { serveStudio, type Served } from './serve';

let t: TempCatalog;
let served: Served;
let service: StudioService;
beforeAll(async () => {
  t = await openTempCatalog('serve');
  const renderer = path.join(t.home, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(t.home, 'secret.txt'), 'do not serve');
  service = new StudioService(t.catalog, t.home);
  served = await serveStudio(service, { rendererDir: renderer });
});
afterAll(async () => {
  await served.close();
  t.dispose();
});

function request(p: string, o: { method?: string; token?: string; host?: string; body?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: served.port, path: p, method: o.method ?? 'POST', headers: { host: o.host ?? `127.0.0.1:${served.port}`, ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('clara serve', () => {
  it('listens on loopback with a long random token in its URL', () => {
    const u = new URL(served.url);
    expect(u.hostname).toBe('127.0.0.1');
    expect(served.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 to API calls without the right token, and serves them with it', async () => {
    expect((await request('/api/catalogSummary', { body: '{}' })).status).toBe(401);
    expect((await request('/api/catalogSummary', { body: '{}', token: `${served.token}x` })).status).toBe(401);
    expect((await request(`/api/catalogSummary?token=wrong`, { body: '{}' })).status).toBe(401);
    const ok = await request('/api/catalogSummary', { body: '{}', token: served.token });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { total: 0 } });
  });

  it('refuses another Host (DNS rebinding), bad JSON, unknown methods and bad payloads with clear errors', async () => {
    expect((await request('/api/catalogSummary', { body: '{}', token: served.token, host: 'evil.example:80' })).status).toBe(403);
    const badJson = await request('/api/listPieces', { body: '{not json', token: served.token });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body).error.code).toBe('bad-json');
    const unknown = await request('/api/readFile', { body: '{"path":"/etc/passwd"}', token: served.token });
    expect(JSON.parse(unknown.body).error).toMatchObject({ code: 'bad-method' });
    const bad = await request('/api/getPiece', { body: '{"id":"1; DROP TABLE pieces"}', token: served.token });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/^getPiece: id:/);
    const missing = await request('/api/getPiece', { body: '{"id":4242}', token: served.token });
    expect(missing.status).toBe(404);
  });

  it('refuses upload paths that climb out of the upload folder, and writes nothing', async () => {
    for (const p of ['../secret.mid', '..%2f..%2fx.mid', '/abs/x.mid']) {
      const r = await request('/api/uploadFile', { body: JSON.stringify({ batch: 'abcdefgh-2', path: decodeURIComponent(p), dataBase64: 'TVRoZA==' }), token: served.token });
      expect(r.status).toBe(400);
    }
    expect(fs.existsSync(path.join(t.home, 'uploads'))).toBe(false);
    expect(fs.existsSync(path.join(t.home, 'secret.mid'))).toBe(false);
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const index = await request('/', { method: 'GET' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(index.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/renderer/../secret.txt']) {
      const r = await request(p, { method: 'GET' });
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('opens the event socket only with the token, and pushes engine events', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${served.port}/events`);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));
    const ws = new WebSocket(`ws://127.0.0.1:${served.port}/events?token=${served.token}`);
    await new Promise((r) => ws.on('open', r));
    const got = new Promise<string>((r) => ws.on('message', (d) => r(d.toString())));
    service.jobs.emit({ type: 'changed', what: 'samples' });
    expect(JSON.parse(await got)).toEqual({ type: 'changed', what: 'samples' });
    ws.close();
  });
});
