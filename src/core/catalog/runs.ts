import { ClaraError } from '../errors';
import { pidAlive } from '../pid';
import { evalMetric, trainMetric, type EvalMetric, type TrainMetric } from '../../shared/events';
import {
  canTransition,
  codeFits,
  RESUMABLE,
  resumeRefusal,
  RUN_REQUESTS,
  type EndedStatus,
  type RunEndCode,
  type RunRequest,
  type RunStatus,
  type TrainerEnd,
} from '../../shared/runStatus';
import type { CheckpointRow, RunRow } from '../../shared/rows';
import type { DataPaths } from './dataPaths';
import type { Db } from './db';

export { RESUMABLE, type RunEndCode, type RunRequest, type RunStatus };
export type { CheckpointRow, RunRow };

/** A stored metric: the kind, and the fields of the event it was picked from. */
export type RunMetric = ({ kind: 'train' } & TrainMetric) | ({ kind: 'eval' } & EvalMetric);

/** Progress the owner of a run records as it trains; its status moves only through the state machine. */
export type RunProgress = Partial<Pick<RunRow, 'backend' | 'step' | 'epoch' | 'bestValLoss' | 'elapsedS'>>;

const now = (): string => new Date().toISOString();

const INTERRUPTED_REASON =
  'the training process ended without finishing (killed or crashed); resume with `clara train --resume`';

function toRun(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as string,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    encoding: r.encoding as RunRow['encoding'],
    preset: r.preset as string,
    config: JSON.parse(r.config as string),
    status: r.status as RunStatus,
    endCode: (r.end_code as RunEndCode | null) ?? null,
    endReason: (r.end_reason as string | null) ?? null,
    requested: (r.requested as RunRequest | null) ?? null,
    backend: (r.backend as string | null) ?? null,
    step: r.step as number,
    epoch: r.epoch as number,
    bestValLoss: (r.best_val_loss as number | null) ?? null,
    elapsedS: r.elapsed_s as number,
    pid: (r.pid as number | null) ?? null,
  };
}

function toMetric(r: { step: number; kind: string; data: string }): RunMetric | null {
  let data: unknown;
  try {
    data = JSON.parse(r.data);
  } catch {
    return null;
  }
  const fields = { ...(data as object), step: r.step };
  if (r.kind === 'train') {
    const m = trainMetric.safeParse(fields);
    return m.success ? { kind: 'train', ...m.data } : null;
  }
  const m = evalMetric.safeParse(fields);
  return m.success ? { kind: 'eval', ...m.data } : null;
}

const PROGRESS_COLUMNS: Record<keyof RunProgress, string> = {
  backend: 'backend',
  step: 'step',
  epoch: 'epoch',
  bestValLoss: 'best_val_loss',
  elapsedS: 'elapsed_s',
};

/** The progress fields given (only known column names ever reach SQL). */
function progressKeys(f: RunProgress): Array<keyof RunProgress> {
  return (Object.keys(f) as Array<keyof RunProgress>).filter(
    (k) => Object.hasOwn(PROGRESS_COLUMNS, k) && f[k] !== undefined,
  );
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

function toCheckpoint(r: Record<string, unknown>, paths: DataPaths): CheckpointRow {
  return {
    id: r.id as number,
    runId: r.run_id as string,
    kind: r.kind as CheckpointRow['kind'],
    step: r.step as number,
    epoch: r.epoch as number,
    valLoss: (r.val_loss as number | null) ?? null,
    trainLoss: (r.train_loss as number | null) ?? null,
    path: paths.resolve(r.path as string),
    createdAt: r.created_at as string,
  };
}

/** Training runs and their checkpoints in the catalog. */
export class Runs {
  private requestedStmt: ReturnType<Db['prepare']> | null = null;

  constructor(
    private readonly db: Db,
    private readonly paths: DataPaths,
  ) {}

  create(r: { id: string; encoding: RunRow['encoding']; preset: string; config: unknown; backend: string }): RunRow {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO runs (id, created_at, updated_at, encoding, preset, config, status, backend, pid) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(r.id, t, t, r.encoding, r.preset, JSON.stringify(r.config), r.backend, process.pid);
    return this.get(r.id);
  }

  /**
   * A run whose process died without saying so (kill -9, power cut) reads as interrupted. That is
   * recorded, but only if the row still names the dead process: a process that has taken the run
   * over meanwhile keeps it.
   */
  get(id: string): RunRow {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    if (!row) throw new ClaraError(`no training run "${id}" (see \`clara runs\`)`, 'not-found', 'run');
    const run = toRun(row);
    if (run.status === 'running' && run.pid !== process.pid && !pidAlive(run.pid)) {
      const end = { status: 'interrupted' as const, code: 'process-died' as const, reason: INTERRUPTED_REASON };
      if (this.move(id, { status: 'running', pid: run.pid }, end))
        return { ...run, status: end.status, endCode: end.code, endReason: end.reason, requested: null, pid: null };
      return this.get(id);
    }
    return run;
  }

  list(): RunRow[] {
    const ids = this.db.prepare(`SELECT id FROM runs ORDER BY created_at DESC`).all() as Array<{ id: string }>;
    return ids.map(({ id }) => this.get(id));
  }

  /** Records how far a run has come. Its status is not among the fields: see end, claim and release. */
  update(id: string, f: RunProgress): void {
    const keys = progressKeys(f);
    if (keys.length === 0) return;
    this.db
      .prepare(
        `UPDATE runs SET ${keys.map((k) => `${PROGRESS_COLUMNS[k]} = @${k}`).join(', ')}, updated_at = @t WHERE id = @id`,
      )
      .run({ ...pick(f, keys), t: now(), id });
  }

  /**
   * The one status writer: moves a run from `from` (and, when given, the process that holds it) to
   * `to`, refusing any move the state machine does not list. Atomic: it changes the row only if it
   * still is as expected, and says whether it did.
   */
  private move(
    id: string,
    from: { status: RunStatus; pid?: number | null },
    to: { status: RunStatus; code: RunEndCode | null; reason: string | null; pid?: number | null },
    progress: RunProgress = {},
  ): boolean {
    if (!canTransition(from.status, to.status))
      throw new ClaraError(`cannot go from ${from.status} to ${to.status}`, 'bad-transition', `run ${id}`);
    if (to.status !== 'running' && to.code !== null && !codeFits(to.status, to.code))
      throw new ClaraError(`"${to.code}" is not a reason to be ${to.status}`, 'bad-transition', `run ${id}`);
    const keys = progressKeys(progress);
    const info = this.db
      .prepare(
        `UPDATE runs SET status = @to, end_code = @code, end_reason = @reason, pid = @newPid, requested = NULL, updated_at = @t
           ${keys.map((k) => `, ${PROGRESS_COLUMNS[k]} = @${k}`).join('')}
         WHERE id = @id AND status = @from ${from.pid !== undefined ? 'AND pid IS @pid' : ''}`,
      )
      .run({
        ...pick(progress, keys),
        id,
        from: from.status,
        pid: from.pid ?? null,
        to: to.status,
        code: to.code,
        reason: to.reason,
        newPid: to.pid ?? null,
        t: now(),
      });
    return info.changes === 1;
  }

  /**
   * Ends a run this process trains, as its owner: only the process a running row names may end it
   * (a stale trainer that lost its row to another process learns so, and changes nothing).
   */
  end(id: string, e: TrainerEnd & { reason: string }, progress: RunProgress = {}, pid = process.pid): void {
    if (!this.move(id, { status: 'running', pid }, { status: e.status, code: e.code, reason: e.reason }, progress)) {
      const current = this.get(id);
      throw new ClaraError(
        `cannot mark it ${e.status}: it is ${current.status}${current.pid !== null ? ` in process ${current.pid}` : ''}, not running in this process`,
        'not-owner',
        `run ${id}`,
      );
    }
  }

  /**
   * Gives a run this process claimed back as it was before the claim (a resume that failed before
   * training), so a failed attempt leaves nothing claimed. A run that was running then, whose
   * process is gone, goes back as interrupted.
   */
  release(id: string, before: RunRow, pid = process.pid): void {
    const was: EndedStatus = before.status === 'running' ? 'interrupted' : before.status;
    const code = before.status === 'running' ? 'process-died' : before.endCode;
    const reason = before.status === 'running' ? INTERRUPTED_REASON : before.endReason;
    this.move(id, { status: 'running', pid }, { status: was, code, reason });
  }

  /**
   * Asks the process training a run to pause, stop or pause for closing; it answers between two
   * steps by ending the run itself. Returns false when the run is not running (nothing to ask).
   */
  request(id: string, what: RunRequest): boolean {
    if (!RUN_REQUESTS.includes(what))
      throw new ClaraError(`"${String(what)}" is not a request`, 'bad-request', `run ${id}`);
    return (
      this.db
        .prepare(`UPDATE runs SET requested = ?, updated_at = ? WHERE id = ? AND status = 'running'`)
        .run(what, now(), id).changes === 1
    );
  }

  /** What has been asked of this run's trainer, if anything (it polls this between steps). */
  requested(id: string): RunRequest | null {
    // Prepared once: the trainer asks before every step.
    this.requestedStmt ??= this.db.prepare(`SELECT requested FROM runs WHERE id = ?`);
    const r = this.requestedStmt.get(id) as { requested: RunRequest | null } | undefined;
    return r?.requested ?? null;
  }

  /** Replaces a run's stored configuration (a resumed run given a new budget). */
  updateConfig(id: string, config: unknown): void {
    this.db.prepare(`UPDATE runs SET config = ?, updated_at = ? WHERE id = ?`).run(JSON.stringify(config), now(), id);
  }

  /**
   * Records a checkpoint of a kind, replacing the previous one of that kind; returns the path it
   * replaced (absolute), or null. A run's best checkpoint is only ever replaced by a better one: a
   * best that is not better than the recorded one is refused (`accepted: false`), whatever the
   * caller believed.
   */
  putCheckpoint(c: Omit<CheckpointRow, 'id' | 'createdAt'>): { accepted: boolean; replaced: string | null } {
    const stored = this.paths.toStored(c.path);
    return this.db.transaction(() => {
      const old = this.db
        .prepare(`SELECT path, val_loss FROM checkpoints WHERE run_id = ? AND kind = ?`)
        .get(c.runId, c.kind) as { path: string; val_loss: number | null } | undefined;
      if (c.kind === 'best' && old && old.val_loss !== null && !(c.valLoss !== null && c.valLoss < old.val_loss))
        return { accepted: false, replaced: null };
      this.db
        .prepare(
          `INSERT INTO checkpoints (run_id, kind, step, epoch, val_loss, train_loss, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, kind) DO UPDATE SET step = excluded.step, epoch = excluded.epoch, val_loss = excluded.val_loss,
             train_loss = excluded.train_loss, path = excluded.path, created_at = excluded.created_at`,
        )
        .run(c.runId, c.kind, c.step, c.epoch, c.valLoss, c.trainLoss, stored, now());
      return { accepted: true, replaced: old && old.path !== stored ? this.paths.resolve(old.path) : null };
    })();
  }

  /**
   * Takes a run for this process to train, atomically: of two processes resuming one run at once,
   * exactly one gets it and the other is told it is already running. A `running` row whose process
   * is gone reads as interrupted (see get), so it can be taken over. A finished run is taken only
   * when `newBudget` says it is to train further.
   */
  claim(id: string, o: { newBudget?: boolean; pid?: number } = {}): RunRow {
    const newBudget = o.newBudget ?? false;
    for (;;) {
      const current = this.get(id);
      const refusal = resumeRefusal(current.status, { newBudget });
      if (refusal === 'finished')
        throw new ClaraError(
          `run ${id} already finished (${current.endReason ?? 'budget reached'})`,
          'finished',
          'run',
        );
      if (refusal === 'busy')
        throw new ClaraError(`run ${id} is already running (process ${current.pid ?? '?'})`, 'busy', 'run');
      if (
        this.move(
          id,
          { status: current.status },
          { status: 'running', code: null, reason: null, pid: o.pid ?? process.pid },
        )
      )
        return this.get(id);
      // Another process moved it between the read and the write: look again.
    }
  }

  checkpoints(runId?: string): CheckpointRow[] {
    const rows = runId
      ? this.db.prepare(`SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step`).all(runId)
      : this.db.prepare(`SELECT * FROM checkpoints ORDER BY created_at DESC`).all();
    return (rows as Array<Record<string, unknown>>).map((r) => toCheckpoint(r, this.paths));
  }

  checkpoint(id: number): CheckpointRow {
    const row = this.db.prepare(`SELECT * FROM checkpoints WHERE id = ?`).get(id) as
      Record<string, unknown> | undefined;
    if (!row) throw new ClaraError(`no checkpoint ${id} (see \`clara runs\`)`, 'not-found', 'checkpoint');
    return toCheckpoint(row, this.paths);
  }

  pathInUse(path: string): boolean {
    return this.db.prepare(`SELECT 1 FROM checkpoints WHERE path = ?`).get(this.paths.toStored(path)) !== undefined;
  }

  /** Stores a training point, in the shape of the step event it was picked from. */
  addTrainMetric(runId: string, m: TrainMetric): void {
    this.addMetric(runId, 'train', m);
  }

  /** Stores a validation point, in the shape of the eval event it was picked from. */
  addEvalMetric(runId: string, m: EvalMetric): void {
    this.addMetric(runId, 'eval', m);
  }

  private addMetric(runId: string, kind: RunMetric['kind'], { step, ...data }: TrainMetric | EvalMetric): void {
    this.db
      .prepare(`INSERT INTO run_metrics (run_id, step, kind, data, at) VALUES (?, ?, ?, ?, ?)`)
      .run(runId, step, kind, JSON.stringify(data), now());
  }

  /**
   * A run's metrics in the order they were recorded, each read back through the schema it was
   * written with. A row that does not fit (hand-edited, or from a future version) is left out: a
   * chart missing one point beats no chart.
   */
  metrics(runId: string, kind?: RunMetric['kind']): RunMetric[] {
    const rows = (
      kind
        ? this.db
            .prepare(`SELECT step, kind, data FROM run_metrics WHERE run_id = ? AND kind = ? ORDER BY rowid`)
            .all(runId, kind)
        : this.db.prepare(`SELECT step, kind, data FROM run_metrics WHERE run_id = ? ORDER BY rowid`).all(runId)
    ) as Array<{ step: number; kind: string; data: string }>;
    const out: RunMetric[] = [];
    for (const r of rows) {
      const m = toMetric(r);
      if (m) out.push(m);
    }
    return out;
  }

  /** Metrics past a step (written after the checkpoint a resumed run restarts from) are dropped. */
  truncateMetrics(runId: string, afterStep: number): void {
    this.db.prepare(`DELETE FROM run_metrics WHERE run_id = ? AND step > ?`).run(runId, afterStep);
  }
}
