import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

// From src/core/jobs in the source tree, or from out/main when bundled into the Electron main process.
const here = path.dirname(fileURLToPath(import.meta.url));
const claraBin =
  [path.resolve(here, '../../../bin/clara.mjs'), path.resolve(here, '../../bin/clara.mjs')].find((p) =>
    fs.existsSync(p),
  ) ?? path.resolve(here, '../../../bin/clara.mjs');

export type JobOutcome =
  { status: 'ended'; code: number } | { status: 'crashed'; code: number | null; signal: string | null; stderr: string };

/**
 * A started job process. Under Node it is a plain child process; the desktop app registers a
 * launcher that runs the job in an Electron utility process instead (see `setJobLauncher`).
 */
export interface JobProcess {
  readonly stdout: NodeJS.ReadableStream;
  readonly stderr: NodeJS.ReadableStream;
  /** Asks it to stop (SIGTERM on POSIX). */
  kill(): void;
  /** Called once, when it has exited and its output has been read to the end. */
  onClose(listener: (code: number | null, signal: string | null) => void): void;
}

export type JobLauncher = (script: string, args: string[], env: NodeJS.ProcessEnv) => JobProcess;

/** A plain Node child: the CLI's and the served twin's way, and the tests'. */
export const nodeJobLauncher: JobLauncher = (script, args, env) => {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return {
    stdout: child.stdout!,
    stderr: child.stderr!,
    kill: () => void child.kill('SIGTERM'),
    onClose: (listener) => void child.once('close', (code, signal) => listener(code, signal)),
  };
};

let launcher: JobLauncher | null = null;

/**
 * Inside Electron, process.execPath is the Electron binary, which runs scripts as Node only with
 * ELECTRON_RUN_AS_NODE, and the packaged app turns that off (the RunAsNode fuse). The desktop
 * shell therefore registers a utility-process launcher here before it starts any job.
 */
export function setJobLauncher(l: JobLauncher | null): void {
  launcher = l;
}

function currentLauncher(): JobLauncher {
  if (launcher) return launcher;
  if (process.versions.electron)
    throw new Error('a job was started inside Electron before the desktop shell registered its job launcher');
  return nodeJobLauncher;
}

export interface ChildJob<E> {
  child: JobProcess;
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
  const child = currentLauncher()(claraBin, [...args, '--json'], opts.env ?? process.env);
  const events: E[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const lines = readline.createInterface({ input: child.stdout });
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
    child.onClose((code, signal) => {
      const sawEnd = events.some((e) => e.type === finalEvent);
      if (code === 0 && (sawEnd || !opts.finalEvent)) resolve({ status: 'ended', code: 0 });
      else if (sawEnd && code !== null) resolve({ status: 'ended', code });
      else resolve({ status: 'crashed', code, signal, stderr: stderr.trim() });
    });
  });
  return { child, done, cancel: () => child.kill(), events };
}
