import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

// From src/core/jobs in the source tree, or from out/main when bundled into the Electron main process.
const here = path.dirname(fileURLToPath(import.meta.url));
const claraBin = [path.resolve(here, '../../../bin/clara.mjs'), path.resolve(here, '../../bin/clara.mjs')].find((p) => fs.existsSync(p)) ?? path.resolve(here, '../../../bin/clara.mjs');

export type JobOutcome = { status: 'ended'; code: number } | { status: 'crashed'; code: number | null; signal: string | null; stderr: string };

export interface ChildJob<E> {
  child: ChildProcess;
  /** Resolves when the process exits: `crashed` when it died without its final event. */
  done: Promise<JobOutcome>;
  /** Asks the job to stop cleanly (SIGTERM: a training run saves a checkpoint first). */
  cancel(): void;
  events: E[];
}

/**
 * Runs a `clara … --json` command in its own process and turns its JSON lines into events, so long
 * work (training, and later generation) never blocks the studio, and a crash there (an exception,
 * out of memory, kill -9) is reported as an outcome with the tail of its stderr instead of taking
 * the app down.
 */
export function runClaraJob<E extends { type: string }>(
  args: string[],
  opts: { onEvent?: (e: E) => void; finalEvent?: string; env?: NodeJS.ProcessEnv } = {},
): ChildJob<E> {
  // Inside Electron, execPath is the Electron binary: ELECTRON_RUN_AS_NODE makes it a plain Node
  // with Electron's ABI, which the Electron build of better-sqlite3 matches.
  const env = { ...(opts.env ?? process.env), ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
  const child = spawn(process.execPath, [claraBin, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const events: E[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let e: E;
    try {
      e = JSON.parse(line) as E;
    } catch {
      return; // not an event: a stray log line
    }
    events.push(e);
    opts.onEvent?.(e);
  });
  const finalEvent = opts.finalEvent ?? 'end';
  const done = new Promise<JobOutcome>((resolve) => {
    child.on('close', (code, signal) => {
      const sawEnd = events.some((e) => e.type === finalEvent);
      if (code === 0 && (sawEnd || !opts.finalEvent)) resolve({ status: 'ended', code: 0 });
      else if (sawEnd && code !== null) resolve({ status: 'ended', code });
      else resolve({ status: 'crashed', code, signal, stderr: stderr.trim() });
    });
  });
  return { child, done, cancel: () => void child.kill('SIGTERM'), events };
}
