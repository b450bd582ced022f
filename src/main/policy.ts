/**
 * Every security decision of the desktop shell as a pure function, so each can be tested without
 * the Electron binary. The main process only wires these into Electron's events and handlers.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * The origin of a URL as Chromium sees it. Node's URL gives the opaque origin "null" for schemes it
 * does not know (app:, data:, file:), and two "null"s compare equal, so app://studio is computed
 * here and every other non-http(s) scheme has no origin at all.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
  if (u.protocol === `${APP_SCHEME}:` && u.host !== '' && u.username === '' && u.password === '')
    return `${APP_SCHEME}://${u.host}`;
  return null;
}

/** The renderer's origin: the dev server's in `electron-vite dev`, else app://studio. */
export function rendererOrigin(devServerUrl: string | undefined): string {
  if (devServerUrl === undefined || devServerUrl === '') return APP_ORIGIN;
  const origin = originOf(devServerUrl);
  if (!origin) throw new Error(`ELECTRON_RENDERER_URL is not an http(s) URL: ${devServerUrl}`);
  return origin;
}

/** Same origin as the renderer, compared whole: a prefix match would let http://localhost:5173.evil.example in. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== null && origin === appOrigin;
}

/** Where any frame of any webContents may navigate (or be redirected): the app's own pages only. */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/**
 * Hosts whose https links the user's browser may open. The studio links nowhere today; a help or
 * licence link is one line here. Never a scheme other than https: `shell.openExternal` with file:,
 * smb: or a custom scheme can start programs.
 */
export const EXTERNAL_HOSTS: readonly string[] = [];

export function isAllowedExternal(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' && u.username === '' && u.password === '' && u.port === '' && hosts.includes(u.hostname)
  );
}

/**
 * The permissions the app's own page may use; everything else (camera, microphone, notifications,
 * geolocation, clipboard reads, HID/serial/USB devices, MIDI with system exclusive…) is refused,
 * and nothing at all is granted to any other origin. Web MIDI (without sysex) is for playing the
 * studio's samples through the user's MIDI outputs.
 */
export const APP_PERMISSIONS: ReadonlySet<string> = new Set(['midi']);

/**
 * `requesting` is the requesting URL or origin as Electron reports it (the request handler gives a
 * URL, the check handler an origin; either may be empty for internal checks, which are refused).
 */
export function isPermissionAllowed(permission: string, requesting: string | undefined, appOrigin: string): boolean {
  return APP_PERMISSIONS.has(permission) && requesting !== undefined && isAppUrl(requesting, appOrigin);
}

/** HID, serial and USB devices: the studio uses none. */
export function isDevicePermissionAllowed(): boolean {
  return false;
}

export type AppRequest = { file: string } | { status: 400 | 404; reason: string };

/**
 * Maps an app://studio/… request to a file inside the built renderer folder. A malformed
 * percent-encoding is a 400 (decodeURIComponent would throw inside the protocol handler); a path
 * that leaves the folder, or names another host, is a 404.
 */
export function resolveAppRequest(rendererDir: string, requestUrl: string): AppRequest {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404, reason: 'not the studio' };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, reason: 'malformed percent-encoding' };
  }
  if (pathname.includes('\0')) return { status: 400, reason: 'NUL in path' };
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, `.${path.posix.normalize(pathname === '/' ? '/index.html' : pathname)}`);
  if (!file.startsWith(root + path.sep)) return { status: 404, reason: 'outside the renderer' };
  return { file };
}

/**
 * The file a sample drag hands to the OS, or null: only a `.mid` file whose real path (symlinks
 * resolved) lies inside the data folder's real path, so a catalog row pointing elsewhere can never
 * offer another file to a drop target.
 */
export function draggableSampleFile(file: string, dataDir: string): string | null {
  let real: string;
  let realData: string;
  try {
    real = fs.realpathSync(path.resolve(dataDir, file));
    realData = fs.realpathSync(dataDir);
  } catch {
    return null;
  }
  if (path.extname(real).toLowerCase() !== '.mid') return null;
  const rel = path.relative(realData, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  if (!fs.statSync(real).isFile()) return null;
  return real;
}

/**
 * The application menu. Packaged builds get no reload (it would drop the renderer's state mid-job)
 * and no DevTools (a console in the app's origin can call the whole studio API).
 */
export function menuTemplate(isPackaged: boolean, platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = isPackaged
    ? {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      }
    : { role: 'viewMenu' };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}
