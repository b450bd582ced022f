import type { ApiMethod, StudioApi, StudioEvent } from '../../shared/api';

interface DesktopEvents {
  subscribe(fn: (e: StudioEvent) => void): () => void;
  dragSample(id: number): void;
}

declare global {
  interface Window {
    studio?: StudioApi;
    studioEvents?: DesktopEvents;
  }
}

const TOKEN_KEY = 'clara-token';

/**
 * The served twin's token. The printed URL carries it once; the tab keeps it in sessionStorage (a
 * reload still works, another site cannot read it) and it leaves the address bar and history, so it
 * is not copied, bookmarked or shown on screen. The server takes it only as a header, never from a URL.
 */
function servedToken(): string {
  if (window.studio) return '';
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given === null) {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  }
  try {
    sessionStorage.setItem(TOKEN_KEY, given);
  } catch {
    // Storage disabled: the token lives for this page only; a reload needs the printed URL again.
  }
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return given;
}

const token = servedToken();

/**
 * The studio API as the renderer sees it: Electron's preload bridge when present, otherwise HTTP to
 * the served twin that loaded this page, with the token it was opened with.
 */
function httpApi(): StudioApi {
  const call = async (method: ApiMethod, input: unknown): Promise<unknown> => {
    const res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input ?? {}),
    });
    let body: { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw Object.assign(new Error(`${method}: the studio answered ${res.status} ${res.statusText}`), {
        code: 'http',
      });
    }
    if (!body.ok) throw Object.assign(new Error(body.error?.message ?? res.statusText), { code: body.error?.code });
    return body.value;
  };
  return new Proxy({} as StudioApi, { get: (_t, method) => (input: unknown) => call(method as ApiMethod, input) });
}

export const api: StudioApi = window.studio ?? httpApi();
export const isDesktop = Boolean(window.studio);

/**
 * Engine events: the preload bridge's in the desktop app, else the served twin's WebSocket,
 * reconnecting with backoff if the server restarts.
 */
export function onStudioEvent(fn: (e: StudioEvent) => void): () => void {
  if (window.studioEvents) return window.studioEvents.subscribe(fn);
  let ws: WebSocket | null = null;
  let closed = false;
  let delay = 500;
  const connect = () => {
    // A browser WebSocket cannot carry an Authorization header: the token rides as a subprotocol
    // beside the one the server answers with (it never echoes the token back).
    const protocols = /^[\w-]+$/.test(token) ? ['clara-events', `token.${token}`] : ['clara-events'];
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/events`, protocols);
    ws.onopen = () => (delay = 500);
    ws.onmessage = (m) => {
      try {
        fn(JSON.parse(String(m.data)) as StudioEvent);
      } catch {
        // not an event
      }
    };
    ws.onclose = () => {
      if (closed) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    };
  };
  connect();
  return () => {
    closed = true;
    ws?.close();
  };
}

/** Starts dragging a sample's MIDI file out of the desktop window; false where only a download works. */
export function dragSampleOut(id: number): boolean {
  if (!window.studioEvents) return false;
  window.studioEvents.dragSample(id);
  return true;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Saves bytes as a download (the served twin) or through Electron's save dialog (the desktop app). */
export function download(name: string, bytes: Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function duration(s: number): string {
  if (!Number.isFinite(s)) return '–';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
