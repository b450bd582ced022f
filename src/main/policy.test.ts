import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  draggableSampleFile,
  isAllowedExternal,
  isAllowedNavigation,
  isAppUrl,
  isPermissionAllowed,
  menuTemplate,
  originOf,
  rendererOrigin,
  resolveAppRequest,
} from './policy';

const DEV = 'http://localhost:5173';

describe('origins', () => {
  it('are computed for app:// (Node says "null") and never for data:, file: or about:', () => {
    expect(new URL('app://studio/index.html').origin).toBe('null');
    expect(originOf('app://studio/index.html')).toBe(APP_ORIGIN);
    expect(originOf('http://localhost:5173/src/main.ts')).toBe(DEV);
    for (const u of [
      'data:text/html,hi',
      'file:///etc/passwd',
      'about:blank',
      'javascript:alert(1)',
      'not a url',
      'app:///x',
      'app://user@studio/',
    ])
      expect(originOf(u)).toBeNull();
  });

  it('the renderer origin is the dev server origin, else app://studio', () => {
    expect(rendererOrigin(undefined)).toBe(APP_ORIGIN);
    expect(rendererOrigin('http://localhost:5173/')).toBe(DEV);
    expect(() => rendererOrigin('file:///x/index.html')).toThrow(/ELECTRON_RENDERER_URL/);
  });

  it('navigation stays on the exact origin: no look-alike prefix, port, scheme or host', () => {
    expect(isAllowedNavigation('app://studio/index.html#samples', APP_ORIGIN)).toBe(true);
    expect(isAllowedNavigation(`${DEV}/index.html`, DEV)).toBe(true);
    for (const u of [
      'http://localhost:5173.evil.example/',
      'http://localhost:51730/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'https://example.com/',
    ])
      expect(isAllowedNavigation(u, DEV), u).toBe(false);
    for (const u of ['app://studio.evil/', 'app://evil/', 'data:text/html,x', 'file:///index.html', 'about:blank'])
      expect(isAllowedNavigation(u, APP_ORIGIN), u).toBe(false);
    expect(isAppUrl('app://studio/index.html', DEV)).toBe(false);
  });
});

describe('openExternal', () => {
  it('opens only https links to listed hosts', () => {
    const hosts = ['example.org'];
    expect(isAllowedExternal('https://example.org/help', hosts)).toBe(true);
    for (const u of [
      'http://example.org/',
      'https://example.org.evil.com/',
      'https://evil.com/',
      'file:///bin/sh',
      'smb://host/share',
      'https://user@example.org/',
      'https://example.org:8443/',
      'x',
    ])
      expect(isAllowedExternal(u, hosts), u).toBe(false);
    // The studio links nowhere today.
    expect(isAllowedExternal('https://example.org/')).toBe(false);
  });
});

describe('permissions', () => {
  it('only MIDI (no sysex), only for the app itself', () => {
    expect(isPermissionAllowed('midi', 'app://studio/index.html', APP_ORIGIN)).toBe(true);
    expect(isPermissionAllowed('midi', APP_ORIGIN, APP_ORIGIN)).toBe(true);
    expect(isPermissionAllowed('midi', 'https://evil.example/', APP_ORIGIN)).toBe(false);
    expect(isPermissionAllowed('midi', undefined, APP_ORIGIN)).toBe(false);
    expect(isPermissionAllowed('midi', '', APP_ORIGIN)).toBe(false);
    for (const p of [
      'midiSysex',
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'fullscreen',
    ])
      expect(isPermissionAllowed(p, 'app://studio/index.html', APP_ORIGIN), p).toBe(false);
  });
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-policy-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('app:// requests', () => {
  const root = path.join(tmp, 'renderer');
  it('map to files inside the renderer folder', () => {
    expect(resolveAppRequest(root, 'app://studio/assets/index.js')).toEqual({
      file: path.join(root, 'assets', 'index.js'),
    });
    expect(resolveAppRequest(root, 'app://studio/')).toEqual({ file: path.join(root, 'index.html') });
    expect(resolveAppRequest(root, 'app://studio/instruments/Grand%20Piano/C4.mp3')).toEqual({
      file: path.join(root, 'instruments', 'Grand Piano', 'C4.mp3'),
    });
  });

  it('a malformed percent-encoding is a 400, not a throw', () => {
    expect(resolveAppRequest(root, 'app://studio/%E0%A4%A')).toMatchObject({ status: 400 });
    expect(resolveAppRequest(root, 'app://studio/%')).toMatchObject({ status: 400 });
    expect(resolveAppRequest(root, 'app://studio/a%00.js')).toMatchObject({ status: 400 });
  });

  it('never leaves the folder, however the path is spelled', () => {
    for (const u of [
      'app://studio/%2e%2e/secret',
      'app://studio/..%2f..%2fsecret',
      'app://studio/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      'app://studio/a/../../secret',
    ])
      expect(
        path.relative(root, (resolveAppRequest(root, u) as { file: string }).file ?? root).startsWith('..'),
        u,
      ).toBe(false);
    expect(resolveAppRequest(root, 'app://other/index.html')).toMatchObject({ status: 404 });
    expect(resolveAppRequest(root, 'https://studio/index.html')).toMatchObject({ status: 404 });
  });
});

describe('drag-out', () => {
  const data = path.join(tmp, 'data');
  const samples = path.join(data, 'samples');
  fs.mkdirSync(samples, { recursive: true });
  const inside = path.join(samples, 'sample-00001.mid');
  fs.writeFileSync(inside, 'MThd');
  fs.writeFileSync(path.join(samples, 'notes.txt'), 'x');
  const outsideDir = path.join(tmp, 'elsewhere');
  fs.mkdirSync(outsideDir);
  const outside = path.join(outsideDir, 'secret.mid');
  fs.writeFileSync(outside, 'MThd');
  fs.symlinkSync(outside, path.join(samples, 'link.mid'));
  fs.mkdirSync(path.join(samples, 'folder.mid'));

  it('hands over a .mid file inside the data folder, by its real path', () => {
    expect(draggableSampleFile(inside, data)).toBe(fs.realpathSync(inside));
    expect(draggableSampleFile('samples/sample-00001.mid', data)).toBe(fs.realpathSync(inside));
  });

  it('refuses other files, files outside, symlinks leading outside, folders and missing files', () => {
    expect(draggableSampleFile(path.join(samples, 'notes.txt'), data)).toBeNull();
    expect(draggableSampleFile(outside, data)).toBeNull();
    expect(draggableSampleFile('../elsewhere/secret.mid', data)).toBeNull();
    expect(draggableSampleFile(path.join(samples, 'link.mid'), data)).toBeNull();
    expect(draggableSampleFile(path.join(samples, 'folder.mid'), data)).toBeNull();
    expect(draggableSampleFile(path.join(samples, 'gone.mid'), data)).toBeNull();
  });

  it('works when the data folder itself is reached through a symlink', () => {
    const alias = path.join(tmp, 'data-alias');
    fs.symlinkSync(data, alias);
    expect(draggableSampleFile(path.join(alias, 'samples', 'sample-00001.mid'), alias)).toBe(fs.realpathSync(inside));
  });
});

describe('menu', () => {
  const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
    t.flatMap((i) => [String(i.role ?? ''), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
  it('packaged builds have no reload and no DevTools', () => {
    const packaged = roles(menuTemplate(true, 'linux'));
    for (const r of ['viewMenu', 'reload', 'forceReload', 'toggleDevTools']) expect(packaged).not.toContain(r);
    expect(packaged).toContain('zoomIn');
    expect(roles(menuTemplate(false, 'linux'))).toContain('viewMenu');
    expect(roles(menuTemplate(true, 'darwin'))[0]).toBe('appMenu');
  });
});
