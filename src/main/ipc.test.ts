import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({ on: new Map<string, (...a: unknown[]) => void>() }));
vi.mock('electron', () => ({
  ipcMain: { handle: () => {}, on: (channel: string, fn: (...a: unknown[]) => void) => void h.on.set(channel, fn) },
  nativeImage: { createFromDataURL: () => ({}) },
}));

const { serveStudioIpc } = await import('./ipc');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-ipc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('dragging a sample out', () => {
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'samples'), { recursive: true });
  const files: Record<number, string> = {
    1: path.join(dataDir, 'samples', 'sample-00001.mid'),
    2: path.join(tmp, 'secret.mid'),
    3: path.join(dataDir, 'catalog.sqlite'),
  };
  for (const f of Object.values(files)) fs.writeFileSync(f, 'x');
  const service = { dataDir, sampleFile: (id: number) => files[id]!, jobs: { subscribe: () => {} } };
  serveStudioIpc(
    service as never,
    (url) => url.startsWith('app://studio/'),
    () => null,
  );

  const drag = (id: number) => {
    const startDrag = vi.fn();
    h.on.get('studio:drag')!({ senderFrame: { url: 'app://studio/index.html' }, sender: { startDrag } }, id);
    return startDrag.mock.calls.map((c) => (c[0] as { file: string }).file);
  };

  it('hands over a .mid file inside the data folder', () => {
    expect(drag(1)).toEqual([fs.realpathSync(files[1]!)]);
  });

  it('refuses a file outside the data folder, or one that is not a .mid', () => {
    expect(drag(2)).toEqual([]);
    expect(drag(3)).toEqual([]);
  });
});
