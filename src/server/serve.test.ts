import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StudioService } from '../studio/service';
import { openTempCatalog, type TempCatalog } from '../testing/tempCatalog';
import { serveStudio, type Served } from './serve';

let t: TempCatalog;
let served: Served;
let service: StudioService;
const logged: string[] = [];
beforeAll(async () => {
  t = await openTempCatalog('serve');
  const renderer = path.join(t.home, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  fs.writeFileSync(path.join(t.home, 'secret.txt'), 'do not serve');
  service = new StudioService(t.catalog, t.home);
  served = await serveStudio(service, { rendererDir: renderer, log: (line) => logged.push(line) });
});
afterAll(async () => {
  await served.close();
  t.dispose();
});

function request(
  p: string,
  o: { method?: string; token?: string; host?: string; body?: string; headers?: http.OutgoingHttpHeaders } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: served.port,
        path: p,
        method: o.method ?? 'POST',
        headers: {
          host: o.host ?? `127.0.0.1:${served.port}`,
          ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
          'content-type': 'application/json',
          ...o.headers,
        },
      },
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
    expect(
      (await request('/api/catalogSummary', { body: '{}', token: served.token, host: 'evil.example:80' })).status,
    ).toBe(403);
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
      const r = await request('/api/uploadFile', {
        body: JSON.stringify({ batch: 'abcdefgh-2', path: decodeURIComponent(p), dataBase64: 'TVRoZA==' }),
        token: served.token,
      });
      expect(r.status).toBe(400);
    }
    expect(fs.existsSync(path.join(t.home, 'uploads'))).toBe(false);
    expect(fs.existsSync(path.join(t.home, 'secret.mid'))).toBe(false);
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const index = await request('/', { method: 'GET' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    // WebAssembly may compile (the synthesizer's SF3 decoder); JavaScript eval stays refused.
    expect(index.headers['content-security-policy']).not.toMatch(/'unsafe-eval'/);
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/renderer/../secret.txt']) {
      const r = await request(p, { method: 'GET' });
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('do not serve');
    }
  });

  it('opens the event socket only with the token (header or subprotocol), and pushes engine events', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${served.port}/events`);
    await new Promise<void>((resolve) => refused.on('error', () => resolve()));
    // A browser cannot set headers on a WebSocket: the renderer offers the token as a subprotocol.
    const ws = new WebSocket(`ws://127.0.0.1:${served.port}/events`, ['clara-events', `token.${served.token}`], {
      origin: `http://127.0.0.1:${served.port}`,
    });
    await new Promise((r) => ws.on('open', r));
    expect(ws.protocol).toBe('clara-events');
    const got = new Promise<string>((r) => ws.on('message', (d) => r(d.toString())));
    service.jobs.emit({ type: 'changed', what: 'samples' });
    expect(JSON.parse(await got)).toEqual({ type: 'changed', what: 'samples' });
    ws.close();
    const byHeader = new WebSocket(`ws://127.0.0.1:${served.port}/events`, {
      headers: { authorization: `Bearer ${served.token}` },
    });
    await new Promise((r) => byHeader.on('open', r));
    byHeader.close();
  });
});

/** Opens /events over a bare TCP socket, so the test can send frames no WebSocket library would. */
async function rawEventSocket(): Promise<net.Socket> {
  const sock = net.connect(served.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write(
    [
      'GET /events HTTP/1.1',
      `Host: 127.0.0.1:${served.port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      `Authorization: Bearer ${served.token}`,
      '',
      '',
    ].join('\r\n'),
  );
  const head = await new Promise<string>((r) => sock.once('data', (d: Buffer) => r(d.toString('latin1'))));
  expect(head).toMatch(/^HTTP\/1\.1 101/);
  return sock;
}

/** A masked client frame (RFC 6455 §5.2) with any opcode and a payload of `n` bytes. */
function frame(opcode: number, n: number): Buffer {
  const mask = randomBytes(4);
  const len = n < 126 ? Buffer.from([0x80 | n]) : Buffer.from([0x80 | 126, n >> 8, n & 0xff]);
  const payload = Buffer.alloc(n, 0x61).map((b, i) => b ^ mask[i % 4]!);
  return Buffer.concat([Buffer.from([0x80 | opcode]), len, mask, payload]);
}

describe('clara serve against hostile clients', () => {
  it('closes only the socket that sends a malformed frame, logs one line, and keeps serving', async () => {
    const listener = new WebSocket(`ws://127.0.0.1:${served.port}/events`, {
      headers: { authorization: `Bearer ${served.token}` },
    });
    await new Promise((r) => listener.on('open', r));
    logged.length = 0;
    for (const bad of [
      frame(0x1, 2000),
      frame(0x3, 0),
      frame(0x1, 3)
        .subarray(0, 2)
        .map((b, i) => (i === 1 ? b & 0x7f : b)),
    ]) {
      const sock = await rawEventSocket();
      const closed = new Promise((r) => sock.once('close', r));
      sock.on('error', () => {});
      sock.write(bad);
      await closed;
    }
    expect(logged).toHaveLength(3);
    for (const line of logged) expect(line).not.toContain('\n');
    expect(logged[0]).toMatch(/event socket.*Max payload/i);
    expect(logged[1]).toMatch(/event socket.*opcode 3/i);
    // The server still answers, and the well-behaved socket still gets events.
    expect((await request('/api/catalogSummary', { body: '{}', token: served.token })).status).toBe(200);
    const got = new Promise<string>((r) => listener.on('message', (d) => r(d.toString())));
    service.jobs.emit({ type: 'changed', what: 'pieces' });
    expect(JSON.parse(await got)).toEqual({ type: 'changed', what: 'pieces' });
    listener.close();
  });

  it('refuses a foreign Origin on /api even with the right token, and accepts its own origins and none', async () => {
    const call = (origin?: string) =>
      request('/api/catalogSummary', {
        body: '{}',
        token: served.token,
        headers: origin === undefined ? {} : { origin },
      });
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${served.port + 1}`,
      `https://127.0.0.1:${served.port}`,
      `http://localhost.evil.example:${served.port}`,
    ]) {
      const r = await call(origin);
      expect(r.status, origin).toBe(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(r.body).error.code).toBe('forbidden');
    }
    for (const origin of [undefined, `http://127.0.0.1:${served.port}`, `http://localhost:${served.port}`])
      expect((await call(origin)).status, origin).toBe(200);
  });

  it('refuses a foreign Origin on /events even with the right token', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${served.port + 1}`]) {
      const ws = new WebSocket(`ws://127.0.0.1:${served.port}/events`, ['clara-events', `token.${served.token}`], {
        origin,
      });
      const status = await new Promise<number>((resolve) => {
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(status, origin).toBe(403);
    }
  });

  it('no longer takes the token from the query string', async () => {
    expect((await request(`/api/catalogSummary?token=${served.token}`, { body: '{}' })).status).toBe(401);
    expect(
      (
        await request(`/api/deletePiece?token=${served.token}`, {
          body: '{"id":1}',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(401);
    const ws = new WebSocket(`ws://127.0.0.1:${served.port}/events?token=${served.token}`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('refuses POSTs that are not application/json, so a browser must preflight, and answers no preflight', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ]) {
      const r = await request('/api/catalogSummary', {
        body: '{}',
        token: served.token,
        headers: { 'content-type': type },
      });
      expect(r.status, type).toBe(415);
    }
    expect(
      (
        await request('/api/catalogSummary', {
          body: '{}',
          token: served.token,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        })
      ).status,
    ).toBe(200);
    const pre = await request('/api/deletePiece', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(pre.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
