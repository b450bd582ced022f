import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus, repo } from '../../testing/corpora';

// A real full disk: a small tmpfs (needs root, as on CI and the developers' machines; skipped elsewhere).
const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-full-'));
const mounted =
  process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]).status === 0;
const home = path.join(mnt, 'data');
const clara = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repo, 'bin', 'clara.mjs'), '--data-dir', home, ...args], { encoding: 'utf8' });

function fill(leaveKb: number): void {
  const avail = Number(
    spawnSync('df', ['-k', '--output=avail', mnt], { encoding: 'utf8' }).stdout.trim().split('\n').pop(),
  );
  const fd = fs.openSync(path.join(mnt, 'filler'), 'w');
  try {
    const chunk = Buffer.alloc(1024);
    for (let i = 0; i < avail - leaveKb; i++) fs.writeSync(fd, chunk);
  } catch {
    // full already
  } finally {
    fs.closeSync(fd);
  }
}

beforeAll(() => {
  if (!mounted) return;
  expect(clara('import', path.join(demoCorpus, 'Chopin')).status).toBe(0);
});
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  fs.rmSync(mnt, { recursive: true, force: true });
});

describe.skipIf(!mounted)('a full disk', () => {
  it('fails an import with one line naming the data folder, and the catalog still opens for reading', () => {
    fill(300);
    const r = clara('import', demoCorpus);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`clara: ${home}: the disk is full: free some space and try again`]);
    fs.rmSync(path.join(mnt, 'filler'));
    fill(0);
    const list = clara('pieces');
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/Prelude No\.10/);
    const write = clara('import', path.join(demoCorpus, 'Bach'));
    expect(write.status).not.toBe(0);
    expect(write.stderr).not.toMatch(/\n\s+at /);
    expect(write.stderr.trim().split('\n')).toHaveLength(1);
    expect(write.stderr).toContain(home);
    // With room again, everything carries on and nothing was lost.
    fs.rmSync(path.join(mnt, 'filler'));
    const again = clara('import', path.join(demoCorpus, 'Bach'));
    expect(again.status, again.stderr).toBe(0);
    expect(clara('pieces').stdout).toMatch(/Prelude No\.10/);
  }, 60_000);
});
