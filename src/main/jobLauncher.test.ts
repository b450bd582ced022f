import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runClaraJob, setJobLauncher } from '../core/jobs/childJob';

vi.mock('electron', () => ({
  utilityProcess: {
    fork: () => {
      throw new Error('no Electron here');
    },
  },
}));
const { utilityJobLauncher } = await import('./jobLauncher');

/** A utility process that prints its events, then exits before its pipes have drained, as they can. */
function fakeFork(
  lines: string[],
  code: number,
  calls: { script: string; args: string[]; opts: unknown; kill?: () => boolean }[],
) {
  return ((script: string, args: string[], opts: unknown) => {
    const p = Object.assign(new EventEmitter(), {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      kill: vi.fn(() => true),
      pid: 1,
    });
    calls.push({ script, args, opts, kill: p.kill });
    setImmediate(() => {
      p.stdout.write(
        lines
          .slice(0, -1)
          .map((l) => `${l}\n`)
          .join(''),
      );
      p.emit('exit', code);
      setTimeout(() => {
        p.stdout.end(`${lines.at(-1)}\n`);
        p.stderr.end(code ? 'boom\n' : '');
      }, 20);
    });
    return p;
  }) as never;
}

afterEach(() => setJobLauncher(null));

describe('jobs in a utility process', () => {
  it('run the clara CLI with --json and keep the events written after exit', async () => {
    const calls: { script: string; args: string[]; opts: unknown }[] = [];
    setJobLauncher(utilityJobLauncher(fakeFork(['{"type":"start"}', '{"type":"end","status":"finished"}'], 0, calls)));
    const job = runClaraJob<{ type: string }>(['train', '--preset', 'tiny'], { finalEvent: 'end' });
    expect(await job.done).toEqual({ status: 'ended', code: 0 });
    expect(job.events.map((e) => e.type)).toEqual(['start', 'end']);
    expect(calls[0]!.script).toMatch(/bin[\\/]clara\.mjs$/);
    expect(calls[0]!.args).toEqual(['train', '--preset', 'tiny', '--json']);
    expect(calls[0]!.opts).toMatchObject({ stdio: 'pipe' });
    expect((calls[0]!.opts as { env: NodeJS.ProcessEnv }).env.ELECTRON_RUN_AS_NODE).toBeUndefined();
  });

  it('report a crash with its stderr, and cancel with kill', async () => {
    const calls: { script: string; args: string[]; opts: unknown; kill?: () => boolean }[] = [];
    setJobLauncher(utilityJobLauncher(fakeFork(['{"type":"start"}', 'not json'], 3, calls)));
    const job = runClaraJob<{ type: string }>(['train'], { finalEvent: 'end' });
    job.cancel();
    expect(calls[0]!.kill).toHaveBeenCalledTimes(1);
    expect(await job.done).toEqual({ status: 'crashed', code: 3, signal: null, stderr: 'boom' });
  });
});
