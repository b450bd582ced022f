import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Catalog } from '../core/catalog/catalog';
import { errorMessage } from '../core/errors';
import { importPaths } from '../core/import/importer';
import { runClaraJob, type ChildJob } from '../core/jobs/childJob';
import { writeJobSpec, type JobSpec } from '../core/jobs/spec';
import type { JobInfo, StudioEvent } from '../shared/methods';
import { parseJobEvent, type ChildJobKind, type JobEventOf } from '../shared/events';
import type { RunRequest } from '../shared/runStatus';

type Listener = (e: StudioEvent) => void;

interface Running {
  info: JobInfo;
  cancel: () => void;
  /**
   * What was asked of the training run this job drives (pause, stop, close). The trainer answers
   * it through the run row; until the child has claimed its run (its start event) it waits here.
   */
  request?: RunRequest;
  /** Set when a training child has announced its run: a request can reach it now. */
  started?: boolean;
  /** Resolves when a child job has exited and its outcome is recorded. */
  ended?: Promise<void>;
}

/**
 * Long work of the studio: imports run in this process with their parsing in a worker thread (so a
 * huge file neither stalls the studio nor outlives a cancel); training, generation and scoring run
 * in child processes, so a crash or an out-of-memory there is a failed job, not a dead studio. Every change is pushed to listeners as an event.
 */
export class JobManager {
  private readonly jobs = new Map<string, Running>();
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly catalog: Catalog,
    private readonly dataDir: string,
  ) {}

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: StudioEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // A listener that fails (a closed socket) must not stop the others.
      }
    }
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => j.info).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  get(id: string): Running | undefined {
    return this.jobs.get(id);
  }

  runningFor(runId: string): Running | undefined {
    return [...this.jobs.values()].find((j) => j.info.runId === runId && j.info.status === 'running');
  }

  private create(kind: JobInfo['kind'], title: string, cancel: () => void): Running {
    const info: JobInfo = {
      id: randomUUID().slice(0, 8),
      kind,
      title,
      status: 'running',
      done: 0,
      total: 0,
      detail: '',
      startedAt: new Date().toISOString(),
    };
    const job: Running = { info, cancel };
    this.jobs.set(info.id, job);
    // Keep the list short: ended jobs beyond the newest 50 are forgotten.
    const ended = this.list().filter((j) => j.status !== 'running');
    for (const j of ended.slice(50)) this.jobs.delete(j.id);
    return job;
  }

  update(job: Running, patch: Partial<JobInfo>): void {
    Object.assign(job.info, patch);
    this.emit({ type: 'job', job: { ...job.info } });
  }

  /** Cancels a job; a training run is asked to stop, which it does at a checkpoint. */
  cancel(id: string): JobInfo | undefined {
    const job = this.jobs.get(id);
    if (job && job.info.status === 'running') {
      if (job.info.kind === 'train') this.requestRun(job, 'stop');
      else job.cancel();
    }
    return job?.info;
  }

  /**
   * Asks the training run a job drives to pause, stop or pause for closing. The parent never
   * writes the run's status: the trainer reads the request between steps and ends its run itself.
   * A later request replaces an earlier one not yet answered (closing turns a pending stop into a
   * pause that resumes).
   */
  requestRun(job: Running, what: RunRequest): void {
    job.request = what;
    this.deliverRequest(job);
  }

  private deliverRequest(job: Running): void {
    if (!job.request || !job.started || !job.info.runId || job.info.status !== 'running') return;
    try {
      this.catalog.runs.request(job.info.runId, job.request);
    } catch {
      // A catalog this process cannot write (read-only disk): fall back to the signal, which
      // stops the run where signals reach it.
      job.cancel();
    }
  }

  /** Imports files or folders already on this machine. */
  startImport(paths: string[], title: string): JobInfo {
    const abort = new AbortController();
    const job = this.create('import', title, () => abort.abort());
    this.update(job, { detail: 'finding MIDI files' });
    let lastEmit = 0;
    void importPaths(this.catalog, paths, {
      signal: abort.signal,
      // Parsing in a worker keeps this process (the server, Electron's main) answering meanwhile.
      worker: true,
      keepResults: false,
      onProgress: (p) => {
        job.info.importId ??= this.catalog.listImports(1)[0]?.id;
        const now = Date.now();
        if (now - lastEmit > 100 || p.done === p.total) {
          lastEmit = now;
          this.update(job, { done: p.done, total: p.total, detail: p.current.path.split(/[\\/]/).pop() ?? '' });
        }
      },
    })
      .then((r) => {
        const parts = [
          `${r.imported} imported`,
          r.unchanged ? `${r.unchanged} unchanged` : '',
          r.moved ? `${r.moved} moved` : '',
          r.failed.length ? `${r.failed.length} failed` : '',
        ];
        this.update(job, {
          status: r.cancelled ? 'cancelled' : 'done',
          importId: r.importId,
          done: r.done,
          total: r.total,
          result: `${parts.filter(Boolean).join(', ')} in ${(r.elapsedMs / 1000).toFixed(1)} s`,
        });
      })
      .catch((err: unknown) => this.update(job, { status: 'failed', error: errorMessage(err) }))
      .finally(() => {
        this.emit({ type: 'changed', what: 'pieces' });
        this.emit({ type: 'changed', what: 'imports' });
      });
    return { ...job.info };
  }

  /**
   * Runs a job in a child process on the same data folder: the spec travels as a validated file,
   * never as command-line words. Every line the child prints is checked against its kind's event
   * schema (shared/events.ts) before `onEvent` sees it; `onEnd` runs after it exits (successfully
   * or not) and may say how it went.
   */
  startChild<K extends ChildJobKind>(
    kind: K,
    title: string,
    spec: JobSpec,
    handlers: {
      onEvent?: (job: Running, e: JobEventOf<K>) => void;
      finalEvent?: string;
      onEnd?: (job: Running, ok: boolean, events: Array<JobEventOf<K>>) => Partial<JobInfo> | void;
      runId?: string;
    },
  ): JobInfo {
    let child: ChildJob<{ type: string }> | null = null;
    const job = this.create(kind, title, () => child?.cancel());
    if (handlers.runId) job.info.runId = handlers.runId;
    const events: Array<JobEventOf<K>> = [];
    const malformed: string[] = [];
    const onEvent = (raw: unknown): void => {
      const parsed = parseJobEvent(kind, raw);
      if ('error' in parsed) {
        malformed.push(parsed.error);
        return;
      }
      const e = parsed.event;
      events.push(e);
      if (kind === 'train' && 'runId' in e && e.type === 'start') {
        job.info.runId ??= e.runId;
        job.started = true;
        this.deliverRequest(job);
      }
      handlers.onEvent?.(job, e);
    };
    const specFile = writeJobSpec(this.dataDir, spec);
    child = runClaraJob<{ type: string }>(['--data-dir', this.dataDir, 'job', specFile], {
      finalEvent: handlers.finalEvent,
      onEvent,
    });
    job.ended = child.done.then((outcome) => {
      fs.rmSync(specFile, { force: true });
      const ok = outcome.status === 'ended' && outcome.code === 0;
      const extra = handlers.onEnd?.(job, ok, events) ?? {};
      // A child that prints events this studio cannot read is out of step with it: say so.
      if (malformed.length)
        extra.error ??= `${malformed.length} event(s) did not fit the protocol and were ignored; first: ${malformed[0]}`;
      if (job.info.status === 'running') {
        const cancelled = job.request !== undefined || (outcome.status === 'crashed' && outcome.signal === 'SIGTERM');
        this.update(job, {
          status: ok ? 'done' : cancelled ? 'cancelled' : 'failed',
          error:
            ok || outcome.status === 'ended'
              ? undefined
              : outcome.stderr.split('\n').filter(Boolean).slice(-3).join(' ') ||
                `exited with ${outcome.code ?? outcome.signal}`,
          ...extra,
        });
      } else if (Object.keys(extra).length) this.update(job, extra);
    });
    this.update(job, {});
    return { ...job.info };
  }

  /**
   * The studio is closing: stops every job and waits (up to `graceMs`) for child jobs to exit.
   * Training saves its checkpoint on the way out and is marked to resume when the studio opens.
   */
  async shutdown(graceMs = 60_000): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const j of this.jobs.values()) {
      if (j.info.status !== 'running') continue;
      if (j.info.kind === 'train') this.requestRun(j, 'close');
      else j.cancel();
      if (j.ended) waits.push(j.ended);
    }
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}
