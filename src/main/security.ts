import type { BrowserWindow, Session } from 'electron';

/**
 * The renderer's Content-Security-Policy: only the app's own scripts and styles, no remote code,
 * no eval, no plugins, no framing. Audio samples and fonts come from the app itself.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function applySessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // The studio needs no camera, microphone, notifications or geolocation.
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

/** No navigation away from the app and no new windows: links to the web open in the user's browser. */
export function lockNavigation(win: BrowserWindow, appOrigin: string, openExternal: (url: string) => void): void {
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(appOrigin)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}
