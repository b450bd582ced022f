import fs from 'node:fs';
import { ClaraError } from './errors';

/** Reads a file the user named, turning an I/O failure into an error that names the file and the cause. */
export function readUserFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ClaraError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'io', file);
  }
}

/**
 * Reads one of our own JSON documents (a checkpoint's or a classifier's) and checks its `format`
 * tag, so a missing, garbled or foreign file is an error naming the file and what it should be.
 */
export function readFormatJson<T extends { format: string }>(
  file: string,
  format: T['format'],
  what: string,
  code: string,
): T {
  let doc: T;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new ClaraError(
      `cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      code,
      file,
    );
  }
  if (doc?.format !== format) throw new ClaraError(`not a Clara ${what} (format ${String(doc?.format)})`, code, file);
  return doc;
}
