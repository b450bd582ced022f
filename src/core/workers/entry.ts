import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What `new Worker` needs to start one of our workers: the script, and for source runs its entry. */
export interface WorkerEntry {
  file: URL;
  workerData?: { entry: string };
}

/**
 * Where a worker's code is. Run from source (tsx, vitest), the .ts entry goes through boot.mjs,
 * which registers tsx in the worker; in the electron-vite build the worker is its own entry
 * (`builtName`, see electron.vite.config.ts) beside the main bundle.
 * `caller` is the import.meta.url of the module that starts the worker; `tsEntry` is relative to it.
 */
export function workerEntry(caller: string, tsEntry: string, builtName: string): WorkerEntry {
  if (/\.[cm]?ts$/.test(new URL(caller).pathname)) {
    return {
      file: new URL('./boot.mjs', import.meta.url),
      workerData: { entry: new URL(tsEntry, caller).href },
    };
  }
  for (const rel of [`./${builtName}`, `../${builtName}`]) {
    const file = new URL(rel, caller);
    if (fs.existsSync(fileURLToPath(file))) return { file };
  }
  throw new Error(`the worker ${builtName} is missing beside ${fileURLToPath(caller)}`);
}
