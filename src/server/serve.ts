import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StudioService } from '../studio/service';
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
  /** Where one-line notices go (a client's socket closed for a protocol error); stderr by default. */
  log?: (line: string) => void;
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

/** The subprotocol the event socket speaks; the renderer offers `token.<TOKEN>` beside it. */
export const EVENTS_PROTOCOL = 'clara-events';
const TOKEN_PROTOCOL = 'token.';

/**
 * The token only ever comes in a header. Never from the query string: a page on another origin can
 * put a query on a no-cors request (which needs no preflight), but cannot set `Authorization`
 * without a preflight this server refuses.
 */
function bearerOf(req: http.IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7) : null;
}

/** A browser cannot set headers on a WebSocket, so the renderer offers the token as a subprotocol. */
function socketTokenOf(req: http.IncomingMessage): string | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const t = offered.find((p) => p.startsWith(TOKEN_PROTOCOL));
  return t ? t.slice(TOKEN_PROTOCOL.length) : bearerOf(req);
}

/** `application/json`, with parameters allowed: anything else is a "simple" request a foreign page could send without a preflight. */
function isJson(req: http.IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
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
 * over a WebSocket. The printed URL carries the random token once; the renderer keeps it in the
 * tab's sessionStorage, strips it from the address bar and sends it as `Authorization: Bearer` on
 * /api/ (JSON POSTs only, so a browser must preflight, and preflights are refused) and as a
 * subprotocol on /events. The Host header must name the loopback address (no DNS rebinding) and a
 * browser's Origin must be this server's own, so a page elsewhere that learns the token still
 * cannot use it.
 */
export async function serveStudio(service: StudioService, o: ServeOptions): Promise<Served> {
  const token = o.token ?? randomBytes(24).toString('base64url');
  const rendererDir = path.resolve(o.rendererDir);
  if (!fs.existsSync(path.join(rendererDir, 'index.html')))
    throw new Error(
      `the studio is not built (${path.join(rendererDir, 'index.html')} is missing): run \`npm run build\``,
    );
  const log = o.log ?? ((line: string) => console.error(line));
  let port = 0;
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  // Browsers always send Origin on POSTs and WebSockets; non-browser clients (curl, scripts) send none.
  const originOk = (origin: string | undefined) =>
    origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req.headers.host))
      return send(res, 403, { ok: false, error: { code: 'forbidden', message: 'wrong Host header' } });
    if (url.pathname.startsWith('/api/')) {
      if (!originOk(req.headers.origin))
        return send(res, 403, {
          ok: false,
          error: { code: 'forbidden', message: 'requests from another origin are refused' },
        });
      // A preflight gets no Access-Control-Allow-* headers, so the browser keeps the real request back.
      if (req.method === 'OPTIONS')
        return send(res, 403, {
          ok: false,
          error: { code: 'forbidden', message: 'cross-origin requests are refused' },
        });
      if (!sameToken(bearerOf(req), token))
        return send(res, 401, { ok: false, error: { code: 'unauthorized', message: 'missing or wrong token' } });
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: { code: 'method', message: 'use POST' } });
      if (!isJson(req))
        return send(res, 415, {
          ok: false,
          error: { code: 'content-type', message: 'send Content-Type: application/json' },
        });
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
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, { ok: false, error: { code: 'method', message: 'use GET' } });
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

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024,
    // Echo only the protocol name: the token the client offered beside it is never sent back.
    handleProtocols: (offered) => (offered.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();
  const refuse = (socket: Duplex, status: string) => {
    socket.once('finish', () => socket.destroy());
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (req, socket: Duplex, head) => {
    // A client that resets mid-handshake must not take the server down with it.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!hostOk(req.headers.host)) return refuse(socket, '403 Forbidden');
    if (url.pathname !== '/events') return refuse(socket, '404 Not Found');
    if (!originOk(req.headers.origin)) return refuse(socket, '403 Forbidden');
    if (!sameToken(socketTokenOf(req), token)) return refuse(socket, '401 Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // Without this listener one malformed frame (oversized, reserved opcode, unmasked) would be an
      // uncaught exception; ws has already failed that connection, so a line is all that is left to do.
      ws.on('error', (err: Error & { code?: string }) =>
        log(`clara serve: closed an event socket: ${err.message}${err.code ? ` (${err.code})` : ''}`),
      );
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
