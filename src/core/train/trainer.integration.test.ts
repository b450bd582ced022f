import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus, repo } from '../../testing/corpora';

const bin = path.join(repo, 'bin', 'clara.mjs');
let home: string;

type Ev = { type: string; [k: string]: unknown };

function clara(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', home], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-train-'));
  const r = clara(['import', demoCorpus, '--json']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('training survives kill -9', () => {
  it('trains the tiny preset, is killed mid-run, resumes from its last checkpoint and ends better than it began', async () => {
    const args = [
      'train',
      '--preset',
      'tiny',
      '--steps',
      '360',
      '--eval-every',
      '60',
      '--val-tokens',
      '3000',
      '--json',
      '--data-dir',
      home,
    ];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first: Ev[] = [];
    await new Promise<void>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const e = JSON.parse(line) as Ev;
        first.push(e);
        // Kill hard right after the second latest checkpoint: mid-run, between checkpoints.
        if (e.type === 'checkpoint' && e.kind === 'latest' && (e.step as number) >= 120) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
      setTimeout(() => reject(new Error('training never reached step 120')), 90_000);
    });
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.on('exit', r)));
    const start = first.find((e) => e.type === 'start')!;
    const runId = start.runId as string;
    const killedAt = first.filter((e) => e.type === 'checkpoint').at(-1)!.step as number;
    const firstEval = first.find((e) => e.type === 'eval')!.valLoss as number;

    const listed = JSON.parse(clara(['runs', '--json']).stdout) as Array<{
      id: string;
      status: string;
      checkpoints: Array<{ kind: string; step: number }>;
    }>;
    const run = listed.find((r) => r.id === runId)!;
    expect(run.status).toBe('interrupted');
    expect(run.checkpoints.find((c) => c.kind === 'latest')!.step).toBe(killedAt);
    // Nothing half-written is left behind: every checkpoint folder is complete.
    for (const dir of fs.readdirSync(path.join(home, 'runs', runId))) {
      expect(dir).not.toMatch(/\.tmp-/);
      expect(fs.existsSync(path.join(home, 'runs', runId, dir, 'checkpoint.json'))).toBe(true);
    }

    const resumed = clara(['train', '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev);
    const rs = events.find((e) => e.type === 'start')!;
    expect(rs.resumed).toBe(true);
    expect(rs.fromStep).toBe(killedAt);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'finished', step: 360 });
    const lastEval = events.filter((e) => e.type === 'eval').at(-1)!.valLoss as number;
    expect(lastEval).toBeLessThan(firstEval);
    // Every event names its run.
    expect(events.every((e) => e.runId === runId)).toBe(true);
  });

  it('stops a diverging run with a clear reason and without saving poisoned weights', () => {
    const r = clara([
      'train',
      '--preset',
      'tiny',
      '--steps',
      '60',
      '--eval-every',
      '5',
      '--val-tokens',
      '500',
      '--lr',
      '1e8',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Ev);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'failed' });
    expect(end.reason).toMatch(/the loss diverged .* at step \d+; the latest checkpoint \(step \d+\) is intact/);
    const lastCheckpoint = events.filter((e) => e.type === 'checkpoint').at(-1);
    if (lastCheckpoint) expect(lastCheckpoint.step as number).toBeLessThan(end.step as number);
  });

  it('refuses to resume a finished run, and names an unknown one', () => {
    const runs = JSON.parse(clara(['runs', '--json']).stdout) as Array<{ id: string; status: string }>;
    const done = runs.find((r) => r.status === 'finished')!;
    expect(clara(['train', '--resume', done.id]).stderr).toMatch(/already finished/);
    expect(clara(['train', '--resume', 'nope']).stderr).toMatch(/run: no training run "nope"/);
  });
});
