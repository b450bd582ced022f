import fs from 'node:fs';
import path from 'node:path';
import { ClaraError } from './errors';

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException)?.code ?? String(err);

/**
 * Makes sure a folder the user named (a data folder, an output folder) is a folder, creating it
 * and its missing parents one at a time. Errors name the option and the path. One level at a
 * time because Node's recursive mkdir loops forever where mkdir says ENOENT under an existing
 * parent (under /proc, for one).
 */
export function prepareDir(dir: string, field: string, opts: { writable?: boolean } = {}): string {
  return ensureDir(path.resolve(dir), `${field} ${dir}`, opts.writable ?? false, true);
}

function ensureDir(abs: string, subject: string, writable: boolean, named: boolean): string {
  const fail = (why: string): never => {
    throw new ClaraError(why, 'bad-folder', subject);
  };
  const missing: string[] = [];
  for (let at = abs; ;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(at, { throwIfNoEntry: false });
    } catch (err) {
      // ENOTDIR: something above is a file; keep climbing to name it.
      if (codeOf(err) !== 'ENOTDIR') fail(`cannot reach ${at} (${codeOf(err)})`);
    }
    if (st) {
      if (!st.isDirectory()) fail(named && at === abs ? 'is a file, not a folder' : `${at} is a file, not a folder`);
      break;
    }
    missing.unshift(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if (codeOf(err) !== 'EEXIST' || !fs.statSync(d, { throwIfNoEntry: false })?.isDirectory())
        fail(`cannot create ${d} (${codeOf(err)})`);
    }
  }
  if (writable) {
    try {
      fs.accessSync(abs, fs.constants.W_OK);
    } catch (err) {
      fail(named ? `is not writable (${codeOf(err)})` : `${abs} is not writable (${codeOf(err)})`);
    }
  }
  return abs;
}

/** Makes sure a file the user asked us to write can be: its folder exists and is writable, and it is not a folder. */
export function prepareFile(file: string, field: string): string {
  const abs = path.resolve(file);
  ensureDir(path.dirname(abs), `${field} ${file}`, true, false);
  if (fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory())
    throw new ClaraError('is a folder, not a file', 'bad-file', `${field} ${file}`);
  return abs;
}
