import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClara } from '../../testing/claraCli';
import { demoCorpus } from '../../testing/corpora';
import { FAULT_ENV } from './gradProtocol';

let home: string;

const clara = (args: string[], env: NodeJS.ProcessEnv = {}) => runClara(home, args, env);

const TINY = ['train', '--preset', 'tiny', '--eval-every', '10', '--val-tokens', '2000', '--json'];

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-workers-'));
  expect(clara(['import', demoCorpus, '--json']).code).toBe(0);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('data-parallel training runs', () => {
  it('trains with 3 workers and resumes the run with 1', () => {
    const first = clara([...TINY, '--steps', '20', '--workers', '3']);
    expect(first.code, first.stderr).toBe(0);
    const start = first.events.find((e) => e.type === 'start')!;
    expect(start.workers).toBe(3);
    const steps = first.events.filter((e) => e.type === 'step');
    // Step events are thinned out in JSON output (at most four a second).
    expect(steps.length).toBeGreaterThan(0);
    expect(first.events.find((e) => e.type === 'end')).toMatchObject({ status: 'finished', step: 20 });
    for (const s of steps) expect((s.workerTokensPerSec as number[]).length).toBe(3);
    const runId = start.runId as string;

    const more = clara(['train', '--resume', runId, '--steps', '10', '--workers', '1', '--json']);
    expect(more.code, more.stderr).toBe(0);
    const again = more.events.find((e) => e.type === 'start')!;
    expect(again).toMatchObject({ resumed: true, fromStep: 20, workers: 1 });
    const end = more.events.find((e) => e.type === 'end')!;
    expect(end).toMatchObject({ status: 'finished', step: 30 });
    const evals = [...first.events, ...more.events].filter((e) => e.type === 'eval').map((e) => e.valLoss as number);
    expect(evals).toHaveLength(3);
    expect(evals.at(-1)!).toBeLessThan(evals[0]!);
  });

  it('reports a crashed worker as a failed run, keeps the last checkpoint, and resumes', () => {
    const crashed = clara([...TINY, '--steps', '40', '--workers', '2'], { [FAULT_ENV]: '15' });
    expect(crashed.code).toBe(1);
    const end = crashed.events.find((e) => e.type === 'end')!;
    expect(end).toMatchObject({ status: 'failed', step: 14 });
    expect(end.reason).toMatch(/training worker 2 stopped \(exit code 70\).*resume the run/);
    const runId = end.runId as string;
    const checkpoint = crashed.events.filter((e) => e.type === 'checkpoint').at(-1)!;
    expect(checkpoint.step).toBe(10);
    expect(fs.existsSync(path.join(checkpoint.path as string, 'checkpoint.json'))).toBe(true);

    const resumed = clara(['train', '--resume', runId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.events.find((e) => e.type === 'start')).toMatchObject({ fromStep: 10, workers: 2 });
    expect(resumed.events.find((e) => e.type === 'end')).toMatchObject({ status: 'finished', step: 40 });
  });
});
