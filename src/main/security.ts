import type { BrowserWindow, Session } from 'electron';

import { RENDERER_CSP as CSP } from '../shared/csp';

export { CSP };

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
