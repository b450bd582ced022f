import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import { errorMessage } from '../errors';
import { importPaths } from '../import/importer';
import { runClaraJob, type ChildJob } from '../jobs/childJob';
import { writeJobSpec, type JobSpec } from '../jobs/spec';
import type { JobInfo, StudioEvent } from '../../shared/methods';

type Listener = (e: StudioEvent) => void;

interface Running {
  info: JobInfo;
  cancel: () => void;
  /** Set when the user pauses a training run: it stops like a stop, and reads "paused". */
  pausing?: boolean;
  /** Set when the studio closes under a training run: it pauses, and resumes when the studio opens. */
  closing?: boolean;
  /** Resolves when a child job has exited and its outcome is recorded. */
  ended?: Promise<void>;
}

/**
 * Long work of the studio: imports run in this process between awaits (the importer yields after
 * every file), training, generation and scoring in child processes, so a crash or an out-of-memory
 * there is a failed job, not a dead studio. Every change is pushed to listeners as an event.
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
    const info: JobInfo = { id: randomUUID().slice(0, 8), kind, title, status: 'running', done: 0, total: 0, detail: '', startedAt: new Date().toISOString() };
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

  cancel(id: string): JobInfo | undefined {
    const job = this.jobs.get(id);
    if (job && job.info.status === 'running') job.cancel();
    return job?.info;
  }

  /** Imports files or folders already on this machine. */
  startImport(paths: string[], title: string): JobInfo {
    const abort = new AbortController();
    const job = this.create('import', title, () => abort.abort());
    this.update(job, { detail: 'finding MIDI files' });
    let lastEmit = 0;
    void importPaths(this.catalog, paths, {
      signal: abort.signal,
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
        const parts = [`${r.imported} imported`, r.unchanged ? `${r.unchanged} unchanged` : '', r.moved ? `${r.moved} moved` : '', r.failed.length ? `${r.failed.length} failed` : ''];
        this.update(job, {
          status: r.cancelled ? 'cancelled' : 'done',
          importId: r.importId,
          done: r.results.length,
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
   * never as command-line words. `onEvent` turns its JSON lines into progress; `onEnd` runs after
   * it exits (successfully or not) and may say how it went.
   */
  startChild<E extends { type: string }>(
    kind: JobInfo['kind'],
    title: string,
    spec: JobSpec,
    handlers: { onEvent?: (job: Running, e: E) => void; finalEvent?: string; onEnd?: (job: Running, ok: boolean, events: E[]) => Partial<JobInfo> | void; runId?: string },
  ): JobInfo {
    let child: ChildJob<E> | null = null;
    const job = this.create(kind, title, () => child?.cancel());
    if (handlers.runId) job.info.runId = handlers.runId;
    const specFile = writeJobSpec(this.dataDir, spec);
    child = runClaraJob<E>(['--data-dir', this.dataDir, 'job', specFile], { finalEvent: handlers.finalEvent, onEvent: (e) => handlers.onEvent?.(job, e) });
    job.ended = child.done.then((outcome) => {
      fs.rmSync(specFile, { force: true });
      const ok = outcome.status === 'ended' && outcome.code === 0;
      const extra = handlers.onEnd?.(job, ok, child!.events) ?? {};
      if (job.info.status === 'running') {
        const cancelled = job.pausing !== undefined || (outcome.status === 'crashed' && outcome.signal === 'SIGTERM');
        this.update(job, {
          status: ok ? 'done' : cancelled ? 'cancelled' : 'failed',
          error: ok || outcome.status === 'ended' ? undefined : outcome.stderr.split('\n').filter(Boolean).slice(-3).join(' ') || `exited with ${outcome.code ?? outcome.signal}`,
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
      if (j.info.kind === 'train') {
        j.closing = true;
        j.pausing = true;
      }
      j.cancel();
      if (j.ended) waits.push(j.ended);
    }
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}
