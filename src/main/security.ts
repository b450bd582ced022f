import type { App, Session, WebContents } from 'electron';

import { DESKTOP_CSP as CSP } from '../shared/csp';
import { isAllowedExternal, isAllowedNavigation, isDevicePermissionAllowed, isPermissionAllowed } from './policy';

export { CSP };

/** The session's CSP header and permission handlers: only the app's own origin, only what it uses. */
export function applySessionSecurity(session: Session, appOrigin: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl, appOrigin));
  });
  // Chromium asks the check handler first (and alone for some APIs): without it, checks pass.
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, appOrigin),
  );
  session.setDevicePermissionHandler(() => isDevicePermissionAllowed());
}

/**
 * Locks one webContents to the app: no navigation or redirect of any frame away from the app's
 * origin, no new windows (allowed https links open in the user's browser), no <webview>.
 */
export function guardWebContents(contents: WebContents, appOrigin: string, openExternal: (url: string) => void): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (!isAllowedNavigation(url, appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => refuse(event, event.url));
  contents.on('will-frame-navigate', (event) => refuse(event, event.url));
  contents.on('will-redirect', (event) => refuse(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/**
 * Guards every webContents the app will ever create, so a window added later cannot forget the
 * lock. Call before the first window.
 */
export function guardAllWebContents(app: App, appOrigin: string, openExternal: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appOrigin, openExternal));
}
