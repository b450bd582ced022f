import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { APP_ORIGIN } from './policy';
import { applySessionSecurity, CSP, guardAllWebContents, guardWebContents } from './security';

/** A webContents as far as the guard sees it: events plus the window-open handler. */
function fakeContents() {
  const wc = new EventEmitter() as EventEmitter & {
    setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void;
    openHandler?: (d: { url: string }) => { action: string };
  };
  wc.setWindowOpenHandler = (h) => void (wc.openHandler = h);
  return wc;
}
const navEvent = (url: string) => ({ url, preventDefault: vi.fn() });

describe('every webContents is locked to the app', () => {
  it('refuses navigation, frame navigation and redirects away from the exact origin', () => {
    const wc = fakeContents();
    guardWebContents(wc as never, 'http://localhost:5173', () => {});
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navEvent('http://localhost:5173.evil.example/');
      wc.emit(name, away, away.url);
      expect(away.preventDefault, name).toHaveBeenCalled();
      const home = navEvent('http://localhost:5173/index.html');
      wc.emit(name, home, home.url);
      expect(home.preventDefault, name).not.toHaveBeenCalled();
    }
    const data = navEvent('data:text/html,x');
    wc.emit('will-frame-navigate', data);
    expect(data.preventDefault).toHaveBeenCalled();
  });

  it('refuses <webview> and new windows; opens only allowed links outside', () => {
    const wc = fakeContents();
    const opened: string[] = [];
    guardWebContents(wc as never, APP_ORIGIN, (u) => opened.push(u));
    const attach = { preventDefault: vi.fn() };
    wc.emit('will-attach-webview', attach, {}, {});
    expect(attach.preventDefault).toHaveBeenCalled();
    for (const url of ['https://example.com/', 'file:///bin/sh', 'app://studio/index.html'])
      expect(wc.openHandler!({ url })).toEqual({ action: 'deny' });
    expect(opened).toEqual([]);
  });

  it('guards webContents created later, app-wide', () => {
    const app = new EventEmitter();
    guardAllWebContents(app as never, APP_ORIGIN, () => {});
    const wc = fakeContents();
    app.emit('web-contents-created', {}, wc);
    const away = navEvent('https://evil.example/');
    wc.emit('will-navigate', away, away.url);
    expect(away.preventDefault).toHaveBeenCalled();
    expect(wc.openHandler).toBeDefined();
  });
});

describe('the session', () => {
  function fakeSession() {
    const s = {
      header: undefined as
        | undefined
        | ((
            d: { responseHeaders?: Record<string, string[]> },
            cb: (r: { responseHeaders: Record<string, string[]> }) => void,
          ) => void),
      request: undefined as
        undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl?: string }) => void),
      check: undefined as undefined | ((wc: unknown, p: string, origin: string, d: unknown) => boolean),
      device: undefined as undefined | ((d: unknown) => boolean),
      webRequest: { onHeadersReceived: (h: never) => void (s.header = h) },
      setPermissionRequestHandler: (h: never) => void (s.request = h),
      setPermissionCheckHandler: (h: never) => void (s.check = h),
      setDevicePermissionHandler: (h: never) => void (s.device = h),
    };
    return s;
  }

  it('grants MIDI to the app only, and nothing else to anyone', () => {
    const s = fakeSession();
    applySessionSecurity(s as never, APP_ORIGIN);
    const asked = (p: string, url: string) => {
      let got: boolean | undefined;
      s.request!(null, p, (ok) => (got = ok), { requestingUrl: url });
      return got;
    };
    expect(asked('midi', 'app://studio/index.html')).toBe(true);
    expect(asked('midiSysex', 'app://studio/index.html')).toBe(false);
    expect(asked('media', 'app://studio/index.html')).toBe(false);
    expect(asked('midi', 'https://evil.example/')).toBe(false);
    expect(s.check!(null, 'midi', APP_ORIGIN, {})).toBe(true);
    expect(s.check!(null, 'notifications', APP_ORIGIN, {})).toBe(false);
    expect(s.check!(null, 'midi', 'https://evil.example', {})).toBe(false);
    expect(s.device!({ deviceType: 'hid', origin: APP_ORIGIN })).toBe(false);
  });

  it('sends the desktop CSP, which allows no WebSocket', () => {
    const s = fakeSession();
    applySessionSecurity(s as never, APP_ORIGIN);
    let headers: Record<string, string[]> = {};
    s.header!({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([CSP]);
    expect(CSP).toMatch(/connect-src 'self'(;|$)/);
    expect(CSP).not.toMatch(/ws:|wss:|\*/);
  });
});
