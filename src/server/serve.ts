import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StudioService } from '../core/studio/service';
import { toApiError, validateCall } from '../shared/api';
import { RENDERER_CSP } from '../shared/csp';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

/** JSON bodies above this are refused (an upload is one MIDI file in base64: 16 MiB at most). */
const MAX_BODY = 24 * 1024 * 1024;

export interface ServeOptions {
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  token?: string;
}

export interface Served {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenOf(req: http.IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

/** Reads a file under `root` named by a URL path, refusing anything that resolves outside it. */
function staticFile(root: string, urlPath: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * The served twin: the studio's renderer and its API over HTTP on 127.0.0.1 only, engine events
 * over a WebSocket. Every /api/ request and the socket need the random token the URL carries; the
 * Host header must name the loopback address, so a web page elsewhere cannot reach it through DNS
 * rebinding.
 */
export async function serveStudio(service: StudioService, o: ServeOptions): Promise<Served> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(o.rendererDir);
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error(`the studio is not built (${path.join(rendererDir, 'index.html')} is missing): run \`npm run build\``);
  let port = 0;
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req.headers.host)) return send(res, 403, { ok: false, error: { code: 'forbidden', message: 'wrong Host header' } });
    if (url.pathname.startsWith('/api/')) {
      if (!sameToken(tokenOf(req, url), token)) return send(res, 401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong token' } });
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'method', message: 'use POST' } });
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          send(res, 413, { ok: false, error: { code: 'too-large', message: `request body over ${MAX_BODY} bytes` } });
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (res.headersSent) return;
        let payload: unknown;
        try {
          payload = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          return send(res, 400, { ok: false, error: { code: 'bad-json', message: 'request body is not JSON' } });
        }
        let call: ReturnType<typeof validateCall>;
        try {
          call = validateCall(url.pathname.slice('/api/'.length), payload);
        } catch (err) {
          return send(res, 400, { ok: false, error: toApiError(err) });
        }
        service.call(call.method, call.input).then(
          (value) => send(res, 200, { ok: true, value }),
          (err: unknown) => {
            const e = toApiError(err);
            send(res, e.code === 'not-found' ? 404 : e.code === 'internal' ? 500 : 400, { ok: false, error: e });
          },
        );
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: { code: 'method', message: 'use GET' } });
    const file = staticFile(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    const headers: Record<string, string> = {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'max-age=3600',
    };
    if (file.endsWith('.html')) {
      headers['content-security-policy'] = RENDERER_CSP;
      headers['x-frame-options'] = 'DENY';
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/events' || !hostOk(req.headers.host) || !sameToken(tokenOf(req, url), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return socket.destroy();
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', () => ws.close(1008, 'the event socket is one-way'));
    });
  });
  const unsubscribe = service.jobs.subscribe((e) => {
    const text = JSON.stringify(e);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
