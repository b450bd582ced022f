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
