import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The desktop entry runs at import: a fake `electron` records what it would have done.
const h = vi.hoisted(() => ({ calls: [] as string[], lock: false }));
vi.mock('electron', () => {
  const record =
    (name: string) =>
    (..._args: unknown[]) =>
      void h.calls.push(name);
  return {
    app: {
      setPath: record('app.setPath'),
      requestSingleInstanceLock: () => (h.calls.push('app.requestSingleInstanceLock'), h.lock),
      quit: record('app.quit'),
      on: (event: string) => void h.calls.push(`app.on:${event}`),
      whenReady: () => (h.calls.push('app.whenReady'), new Promise(() => {})),
      isPackaged: false,
      getVersion: () => '0.0.0',
    },
    BrowserWindow: class {
      constructor() {
        h.calls.push('new BrowserWindow');
      }
    },
    Menu: { setApplicationMenu: record('Menu.setApplicationMenu'), buildFromTemplate: () => ({}) },
    dialog: {},
    shell: { openExternal: record('shell.openExternal') },
    protocol: {
      registerSchemesAsPrivileged: record('protocol.registerSchemesAsPrivileged'),
      handle: record('protocol.handle'),
    },
    net: {},
    session: {},
    ipcMain: { handle: record('ipcMain.handle'), on: record('ipcMain.on') },
    nativeImage: {},
    utilityProcess: {},
  };
});

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-main-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('a second instance of the desktop app', () => {
  it('quits without registering anything or opening the catalog', async () => {
    vi.stubEnv('CLARA_HOME', home);
    await import('./index');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.calls).toContain('app.quit');
    // Only the data folder (the lock is keyed on it), the lock itself and the quit.
    expect(h.calls).toEqual(['app.setPath', 'app.requestSingleInstanceLock', 'app.quit']);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('while the first one guards every webContents before it makes any', async () => {
    vi.resetModules();
    h.calls.length = 0;
    h.lock = true;
    vi.stubEnv('CLARA_HOME', home);
    await import('./index');
    expect(h.calls).not.toContain('app.quit');
    const at = (c: string) => h.calls.indexOf(c);
    expect(at('app.on:web-contents-created')).toBeGreaterThan(-1);
    expect(at('app.on:web-contents-created')).toBeLessThan(at('app.whenReady'));
    expect(at('protocol.registerSchemesAsPrivileged')).toBeLessThan(at('app.whenReady'));
  });
});
