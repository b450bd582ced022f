import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { demoCorpus } from '../../testing/corpora';
import type { TrainEvent } from '../train/trainer';
import { runClaraJob } from './childJob';

let t: TempCatalog;
let home: string;
beforeAll(async () => {
  // The child process opens the catalog itself: close ours first.
  t = await openTempCatalog('job', [demoCorpus]);
  home = t.home;
  t.catalog.close();
});
afterAll(() => t.dispose());

describe('training as a child job', () => {
  it('streams events, and cancelling stops the run cleanly with a checkpoint to resume from', async () => {
    const seen: string[] = [];
    const job = runClaraJob<TrainEvent>(
      ['train', '--preset', 'tiny', '--steps', '100000', '--eval-every', '1000', '--data-dir', home],
      {
        finalEvent: 'end',
        onEvent: (e) => {
          seen.push(e.type);
          if (e.type === 'step' && e.step >= 30) job.cancel();
        },
      },
    );
    const outcome = await job.done;
    expect(outcome.status).toBe('ended');
    expect(seen[0]).toBe('start');
    const end = job.events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'stopped' });
    expect(job.events.some((e) => e.type === 'checkpoint' && e.kind === 'latest')).toBe(true);
  });

  it('reports a failing job with its message instead of throwing', async () => {
    const job = runClaraJob<TrainEvent>(['train', '--resume', 'no-such-run', '--data-dir', home], {
      finalEvent: 'end',
    });
    const outcome = await job.done;
    expect(outcome.status).toBe('crashed');
    if (outcome.status === 'crashed') expect(outcome.stderr).toMatch(/no training run "no-such-run"/);
  });
});
