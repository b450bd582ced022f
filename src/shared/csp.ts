/**
 * The renderer's Content-Security-Policies, all built here from one list of directives: only the
 * app's own scripts and styles, no remote code, no eval (WebAssembly only), no plugins, no framing.
 * Sound banks come from the app itself. The shells differ only in where the page may connect.
 */
const BASE: readonly string[] = [
  "default-src 'self'",
  // WebAssembly, not eval: the synthesizer's AudioWorklet decodes SF3 (Ogg Vorbis) samples in wasm.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: data:",
  "font-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/**
 * The served twin's events arrive over a loopback WebSocket. ('self' already covers ws: to the
 * page's own host and port in CSP 3 browsers; the explicit loopback sources keep older ones working.)
 */
const SERVED_CONNECT = "connect-src 'self' ws://127.0.0.1:* ws://localhost:*";
/** The desktop app talks to main over IPC: no WebSocket to any local port. */
const DESKTOP_CONNECT = "connect-src 'self'";

/** Sent as a header by the served twin. */
export const SERVED_CSP = [...BASE, SERVED_CONNECT, "frame-ancestors 'none'"].join('; ');

/** Sent as a header by the desktop app (app:// responses and every response of its session). */
export const DESKTOP_CSP = [...BASE, DESKTOP_CONNECT, "frame-ancestors 'none'"].join('; ');

/**
 * The `<meta>` in index.html, written into the built page by electron.vite.config.ts. Policies
 * combine as an intersection, so the meta must allow what either shell's header allows (the served
 * twin's WebSocket); each shell's header then narrows it. A meta cannot carry frame-ancestors.
 */
export const META_CSP = [...BASE, SERVED_CONNECT].join('; ');

/** The served twin's header under the name src/server/serve.ts imports. */
export const RENDERER_CSP = SERVED_CSP;

const META_RE = /<meta\s+http-equiv="Content-Security-Policy"\s+content="[^"]*"\s*\/?>/i;

/** index.html with its CSP meta set to META_CSP; fails loudly if the page lost the tag. */
export function withCspMeta(html: string): string {
  if (!META_RE.test(html))
    throw new Error('index.html has no <meta http-equiv="Content-Security-Policy" content="…"> to fill');
  return html.replace(META_RE, `<meta http-equiv="Content-Security-Policy" content="${META_CSP}" />`);
}
