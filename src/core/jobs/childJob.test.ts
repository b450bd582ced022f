import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog';
import { importPaths } from '../import/importer';
import { demoCorpus } from '../../testing/corpora';
import type { TrainEvent } from '../train/trainer';
import { runClaraJob } from './childJob';

let home: string;
beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-job-'));
  const c = Catalog.open(home);
  await importPaths(c, [demoCorpus]);
  c.close();
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('training as a child job', () => {
  it('streams events, and cancelling stops the run cleanly with a checkpoint to resume from', async () => {
    const seen: string[] = [];
    const job = runClaraJob<TrainEvent>(['train', '--preset', 'tiny', '--steps', '100000', '--eval-every', '1000', '--data-dir', home], {
      finalEvent: 'end',
      onEvent: (e) => {
        seen.push(e.type);
        if (e.type === 'step' && e.step >= 30) job.cancel();
      },
    });
    const outcome = await job.done;
    expect(outcome.status).toBe('ended');
    expect(seen[0]).toBe('start');
    const end = job.events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'stopped' });
    expect(job.events.some((e) => e.type === 'checkpoint' && e.kind === 'latest')).toBe(true);
  });

  it('reports a failing job with its message instead of throwing', async () => {
    const job = runClaraJob<TrainEvent>(['train', '--resume', 'no-such-run', '--data-dir', home], { finalEvent: 'end' });
    const outcome = await job.done;
    expect(outcome.status).toBe('crashed');
    if (outcome.status === 'crashed') expect(outcome.stderr).toMatch(/no training run "no-such-run"/);
  });
});
