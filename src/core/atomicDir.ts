import fs from 'node:fs';
import path from 'node:path';
import { asDiskError } from './diskErrors';
import { pidAlive } from './pid';

/** `DIR.tmp-PID`: the pid tells a later start whether its writer is still alive (see removeStaleTemp). */
const tmpFor = (dir: string): string => `${dir}.tmp-${process.pid}`;
const TMP_NAME = /\.tmp-(\d+)$/;

function fsyncTree(p: string): void {
  if (fs.statSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) fsyncTree(path.join(p, e));
    return;
  }
  const fd = fs.openSync(p, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a folder atomically: `fill` writes everything into a temporary sibling, whose files are
 * flushed to disk before it is renamed into place, so a kill or power cut at any moment leaves
 * either the old folder or the new one, never half of one. On failure the temporary folder is
 * removed and a disk error names the parent folder.
 */
export function writeDirAtomic(dir: string, fill: (tmp: string) => void): void {
  const tmp = startTemp(dir);
  try {
    fill(tmp);
  } catch (err) {
    failTemp(tmp, dir, err);
  }
  finishTemp(tmp, dir);
}

/** writeDirAtomic for a `fill` that awaits (a checkpoint reads its tensors from the backend one at a time). */
export async function writeDirAtomicAsync(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = startTemp(dir);
  try {
    await fill(tmp);
  } catch (err) {
    failTemp(tmp, dir, err);
  }
  finishTemp(tmp, dir);
}

function startTemp(dir: string): string {
  const tmp = tmpFor(dir);
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
  } catch (err) {
    failTemp(tmp, dir, err);
  }
  return tmp;
}

function failTemp(tmp: string, dir: string, err: unknown): never {
  fs.rmSync(tmp, { recursive: true, force: true });
  throw asDiskError(err, path.dirname(dir));
}

function finishTemp(tmp: string, dir: string): void {
  try {
    fsyncTree(tmp);
  } catch (err) {
    failTemp(tmp, dir, err);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/**
 * Removes half-written folders (`NAME.tmp-PID`, from writeDirAtomic) under `root`, two levels deep,
 * left by a process that died while writing; a live process's are left alone.
 */
export function removeStaleTemp(root: string): string[] {
  const removed: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const full = path.join(dir, e.name);
      const m = TMP_NAME.exec(e.name);
      if (m) {
        if (Number(m[1]) === process.pid || !pidAlive(Number(m[1]))) {
          fs.rmSync(full, { recursive: true, force: true });
          removed.push(full);
        }
      } else if (depth > 0) walk(full, depth - 1);
    }
  };
  walk(root, 2);
  return removed;
}
