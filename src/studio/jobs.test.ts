import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainEvent, type TrainEvent } from '../shared/events';
import type { JobInfo, StudioEvent } from '../shared/methods';
import { REQUEST_ENDS } from '../shared/runStatus';
import { demoCorpus } from '../testing/corpora';
import { openTempCatalog, type TempCatalog } from '../testing/tempCatalog';
import type { Catalog } from '../core/catalog/catalog';
import { StudioService } from './service';

let t: TempCatalog;
let catalog: Catalog;
beforeAll(async () => {
  t = await openTempCatalog('jobs', [demoCorpus]);
  catalog = t.catalog;
}, 120_000);
afterAll(() => t.dispose());

const tiny = {
  encoding: 'notewise',
  sampleFreq: 12,
  preset: 'tiny',
  steps: 100_000,
  evalEvery: 1000,
  valTokens: 400,
} as const;

/** Every training event a studio pushes, by run, with a hook to act on them as they come. */
function watch(
  service: StudioService,
  act: (e: TrainEvent) => void = () => undefined,
): { events: TrainEvent[]; jobs: JobInfo[]; off: () => void } {
  const events: TrainEvent[] = [];
  const jobs: JobInfo[] = [];
  const off = service.jobs.subscribe((e: StudioEvent) => {
    if (e.type === 'train') {
      events.push(e.event);
      act(e.event);
    } else if (e.type === 'job') jobs.push(e.job);
  });
  return { events, jobs, off };
}

async function ended(service: StudioService, job: JobInfo): Promise<JobInfo> {
  await service.jobs.get(job.id)!.ended;
  return service.jobs.get(job.id)!.info;
}

describe('JobManager events', () => {
  it('keeps telling the other listeners when one of them throws', () => {
    const service = new StudioService(catalog, t.home);
    const got: string[] = [];
    service.jobs.subscribe(() => {
      throw new Error('a closed socket');
    });
    service.jobs.subscribe((e) => got.push(e.type));
    service.jobs.emit({ type: 'changed', what: 'runs' });
    expect(got).toEqual(['changed']);
  });

  it('runs an import in this process, reporting progress and how it ended, newest job first', async () => {
    const service = new StudioService(catalog, t.home);
    const w = watch(service);
    const first = service.jobs.startImport([path.join(demoCorpus, 'Chopin')], 'Chopin again');
    await expect.poll(() => service.jobs.get(first.id)!.info.status, { timeout: 30_000 }).toBe('done');
    expect(service.jobs.get(first.id)!.info).toMatchObject({
      kind: 'import',
      done: 3,
      total: 3,
      result: expect.stringMatching(/^0 imported, 3 unchanged in /),
    });
    expect(w.jobs[0]).toMatchObject({ id: first.id, status: 'running' });
    expect(w.jobs.at(-1)).toMatchObject({ id: first.id, status: 'done' });
    const second = service.jobs.startImport([path.join(demoCorpus, 'Bach')], 'Bach again');
    expect(service.jobs.list().map((j) => j.id)).toEqual([second.id, first.id]);
    await expect.poll(() => service.jobs.get(second.id)!.info.status, { timeout: 30_000 }).toBe('done');
    w.off();
  });
});

describe('training in a child process', () => {
  let runId = '';

  it('hands on each line parsed into the shared event union; a pause is asked of the child, which pauses its run itself', async () => {
    const service = new StudioService(catalog, t.home);
    let ownerWhileTraining: number | null = null;
    const w = watch(service, (e) => {
      if (e.type === 'step' && e.step >= 10 && ownerWhileTraining === null) {
        ownerWhileTraining = catalog.runs.get(e.runId).pid;
        void service.call('pauseRun', { runId: e.runId });
      }
    });
    const job = await ended(service, (await service.call('startTraining', tiny)) as JobInfo);
    w.off();
    runId = job.runId!;
    expect(w.events[0]).toMatchObject({ type: 'start', runId, resumed: false });
    // What reaches the renderer fits the schema, also after the served twin's JSON round trip.
    for (const e of w.events) expect(trainEvent.safeParse(JSON.parse(JSON.stringify(e))).success, e.type).toBe(true);
    const steps = w.events.filter((e) => e.type === 'step');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((e) => Number.isFinite(e.ce) && e.ce > 0)).toBe(true);
    const end = w.events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', status: 'paused', code: 'user-pause', reason: 'paused by the user' });
    // The child held the row while it trained, and wrote how it ended.
    expect(ownerWhileTraining).not.toBeNull();
    expect(ownerWhileTraining).not.toBe(process.pid);
    const run = catalog.runs.get(runId);
    expect(run).toMatchObject({
      status: 'paused',
      endCode: 'user-pause',
      endReason: 'paused by the user',
      requested: null,
      pid: null,
    });
    expect(run.step).toBe(end.type === 'end' ? end.step : -1);
    expect(catalog.runs.checkpoints(runId).find((c) => c.kind === 'latest')?.step).toBe(run.step);
    expect(job).toMatchObject({ status: 'cancelled', result: `paused at step ${run.step}` });
  }, 120_000);

  it('stores the metrics in the shape of the events, and serves them back', async () => {
    const service = new StudioService(catalog, t.home);
    const m = (await service.call('runMetrics', { runId })) as { train: Array<Record<string, number>> };
    expect(m.train.length).toBeGreaterThan(0);
    for (const p of m.train)
      expect(Object.keys(p).sort()).toEqual(['accuracy', 'ce', 'elapsedS', 'loss', 'lr', 'step', 'tokensPerSec']);
    // The stored training loss includes the activation regularisers, the cross-entropy does not.
    expect(m.train.every((p) => p.loss! >= p.ce!)).toBe(true);
  });

  it('resumes the paused run; cancelling its job asks the child to stop, and it stops at a checkpoint', async () => {
    const service = new StudioService(catalog, t.home);
    const from = catalog.runs.get(runId).step;
    let asked = false;
    const w = watch(service, (e) => {
      if (e.type === 'step' && e.step >= from + 5 && !asked) {
        asked = true;
        service.jobs.cancel(service.jobs.runningFor(e.runId)!.info.id);
      }
    });
    const job = await ended(service, (await service.call('resumeRun', { runId })) as JobInfo);
    w.off();
    expect(w.events[0]).toMatchObject({ type: 'start', resumed: true, fromStep: from });
    const run = catalog.runs.get(runId);
    expect(run).toMatchObject({ status: 'stopped', endCode: 'user-stop', requested: null, pid: null });
    expect(run.step).toBeGreaterThan(from);
    expect(job).toMatchObject({ status: 'done', result: `stopped at step ${run.step}: stopped by the user` });
  }, 120_000);

  it('refuses to resume a finished run or one already training in this studio', async () => {
    const service = new StudioService(catalog, t.home);
    catalog.runs.create({ id: 'done-run', encoding: 'notewise', preset: 'tiny', config: {}, backend: 'cpu' });
    catalog.runs.end('done-run', { status: 'finished', code: 'budget', reason: 'reached 10 steps' });
    await expect(service.call('resumeRun', { runId: 'done-run' })).rejects.toMatchObject({ code: 'finished' });
    catalog.runs.create({ id: 'held-run', encoding: 'notewise', preset: 'tiny', config: {}, backend: 'cpu' });
    await expect(service.call('resumeRun', { runId: 'held-run' })).rejects.toMatchObject({ code: 'busy' });
    catalog.runs.end('held-run', REQUEST_ENDS.stop);
  });

  it('closing the studio pauses its runs to resume (even a run still starting); opening resumes exactly those', async () => {
    catalog.runs.create({ id: 'user-paused', encoding: 'notewise', preset: 'tiny', config: {}, backend: 'cpu' });
    catalog.runs.end('user-paused', REQUEST_ENDS.pause);
    const closing = new StudioService(catalog, t.home);
    const w = watch(closing);
    const started = (await closing.call('startTraining', tiny)) as JobInfo;
    // Asked before the child has even made its run: the request waits for the run, then reaches it.
    await closing.jobs.shutdown();
    w.off();
    const closedId = closing.jobs.get(started.id)!.info.runId!;
    expect(w.events.at(-1)).toMatchObject({ type: 'end', status: 'paused', code: 'studio-closed' });
    expect(catalog.runs.get(closedId)).toMatchObject({
      status: 'paused',
      endCode: 'studio-closed',
      endReason: REQUEST_ENDS.close.reason,
    });

    const opened = new StudioService(catalog, t.home);
    let stopping = false;
    const w2 = watch(opened, (e) => {
      if (e.type === 'step' && !stopping) {
        stopping = true;
        void opened.call('stopRun', { runId: e.runId });
      }
    });
    const resumed = opened.resumeRunsPausedByClosing();
    expect(resumed.map((j) => j.runId)).toEqual([closedId]);
    const job = await ended(opened, resumed[0]!);
    w2.off();
    expect(job.status).toBe('done');
    expect(catalog.runs.get(closedId)).toMatchObject({ status: 'stopped', endCode: 'user-stop' });
    expect(catalog.runs.get('user-paused').status).toBe('paused');
  }, 180_000);
});
