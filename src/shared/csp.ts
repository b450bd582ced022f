/**
 * The renderer's Content-Security-Policy, for Electron (response header) and the served twin alike:
 * only the app's own scripts and styles, no remote code, no eval, no plugins, no framing. Audio
 * samples come from the app itself; the served twin's events arrive over a loopback WebSocket.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
