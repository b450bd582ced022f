import { utilityProcess, type UtilityProcess } from 'electron';
import type { JobLauncher, JobProcess } from '../core/jobs/childJob';

/** How long to wait, after the process exited, for the rest of its output before reporting it. */
const DRAIN_MS = 2000;

/**
 * Runs `clara … --json` jobs in Electron utility processes: a Node.js child with Electron's ABI (so
 * the Electron build of better-sqlite3 loads there as in main) that needs no ELECTRON_RUN_AS_NODE,
 * which the packaged app's RunAsNode fuse turns off.
 */
export function utilityJobLauncher(fork: typeof utilityProcess.fork = utilityProcess.fork): JobLauncher {
  return (script, args, env) =>
    adaptUtilityProcess(fork(script, args, { stdio: 'pipe', env, serviceName: 'Clara job' }));
}

/**
 * A utility process as a JobProcess. Its 'exit' can come before its pipes have delivered the last
 * lines (the final JSON event among them), so close waits for both pipes to end, up to DRAIN_MS.
 */
export function adaptUtilityProcess(p: UtilityProcess): JobProcess {
  const { stdout, stderr } = p;
  if (!stdout || !stderr) throw new Error('utility process started without piped stdout/stderr');
  let open = 2;
  let exitCode: number | null | undefined;
  let closed = false;
  const listeners: ((code: number | null, signal: string | null) => void)[] = [];
  const close = () => {
    if (closed || exitCode === undefined) return;
    closed = true;
    for (const l of listeners) l(exitCode, null);
  };
  const ended = () => {
    open -= 1;
    if (open === 0) close();
  };
  stdout.once('end', ended);
  stderr.once('end', ended);
  p.once('exit', (code) => {
    exitCode = code;
    if (open === 0) close();
    else setTimeout(close, DRAIN_MS).unref();
  });
  return {
    stdout,
    stderr,
    kill: () => void p.kill(),
    onClose: (listener) => void listeners.push(listener),
  };
}
