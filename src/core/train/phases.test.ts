import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus } from '../../testing/corpora';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { train, type TrainEvent } from './trainer';

// The loop's phases (should stop → step → evaluate and save) as the events and the run row show
// them: what a refactoring of train() must keep.

let t: TempCatalog;
beforeAll(async () => {
  t = await openTempCatalog('train-phases', [demoCorpus]);
});
afterAll(() => t.dispose());

const tiny = { encoding: 'notewise' as const, preset: 'tiny' as const, valTokens: 400, backend: 'auto' as const };

/** Each event as its type, with the checkpoint kind and the step. */
const trace = (events: TrainEvent[]): string[] =>
  events
    .filter((e) => e.type !== 'step')
    .map((e) =>
      e.type === 'checkpoint' ? `checkpoint:${e.kind}@${e.step}` : 'step' in e ? `${e.type}@${e.step}` : e.type,
    );

describe('the training loop', () => {
  it('validates every evalEvery steps and at a budget between them, keeping best and latest, then finishes', async () => {
    const events: TrainEvent[] = [];
    const r = await train(
      t.catalog,
      t.home,
      { ...tiny, steps: 7, evalEvery: 5, patience: 0 },
      { onEvent: (e) => events.push(e) },
    );
    expect(r.status).toBe('finished');
    expect(events.filter((e) => e.type === 'step').map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const tr = trace(events);
    expect(tr[0]).toBe('start');
    expect(tr.slice(1, 4)).toEqual(['eval@5', 'checkpoint:best@5', 'checkpoint:latest@5']);
    expect(tr.at(-2)).toBe('checkpoint:latest@7');
    expect(tr.at(-1)).toBe('end@7');
    expect(events.at(-1)).toMatchObject({ type: 'end', status: 'finished', code: 'budget', reason: 'reached 7 steps' });
    const run = t.catalog.runs.get(r.runId);
    expect(run).toMatchObject({ status: 'finished', endCode: 'budget', step: 7 });
    expect(t.catalog.runs.metrics(r.runId, 'eval').map((m) => m.step)).toEqual([5, 7]);
  });

  it('stops early when validation does not improve for `patience` validations (a learning rate of 0 never improves)', async () => {
    const events: TrainEvent[] = [];
    const r = await train(
      t.catalog,
      t.home,
      { ...tiny, steps: 50, evalEvery: 2, patience: 1, overrides: { lr: 0 } },
      { onEvent: (e) => events.push(e) },
    );
    expect(r.status).toBe('finished');
    expect(trace(events).slice(1)).toEqual([
      'eval@2',
      'checkpoint:best@2',
      'checkpoint:latest@2',
      'eval@4',
      'checkpoint:latest@4',
      'end@4',
    ]);
    expect(events.at(-1)).toMatchObject({
      status: 'finished',
      code: 'early-stop',
      reason: 'early stopping: validation loss has not improved for 1 validations',
    });
  });

  it('pauses between two steps when the run row asks, saving the latest checkpoint where it paused', async () => {
    const events: TrainEvent[] = [];
    const r = await train(
      t.catalog,
      t.home,
      { ...tiny, steps: 1000, evalEvery: 100 },
      {
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 3) t.catalog.runs.request(e.runId, 'pause');
        },
      },
    );
    expect(r.status).toBe('paused');
    expect(trace(events).slice(1)).toEqual(['checkpoint:latest@3', 'end@3']);
    expect(t.catalog.runs.get(r.runId)).toMatchObject({
      status: 'paused',
      endCode: 'user-pause',
      endReason: 'paused by the user',
      requested: null,
      step: 3,
    });
    expect(t.catalog.runs.checkpoints(r.runId).map((c) => [c.kind, c.step])).toEqual([['latest', 3]]);
  });

  it('stops when the signal aborts, saving first', async () => {
    const events: TrainEvent[] = [];
    const abort = new AbortController();
    const r = await train(
      t.catalog,
      t.home,
      { ...tiny, steps: 1000, evalEvery: 100 },
      {
        signal: abort.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 2) abort.abort();
        },
      },
    );
    expect(r.status).toBe('stopped');
    expect(trace(events).slice(1)).toEqual(['checkpoint:latest@2', 'end@2']);
    expect(events.at(-1)).toMatchObject({
      status: 'stopped',
      code: 'user-stop',
      reason: 'stopped by the user',
      bestValLoss: null,
    });
  });
});
