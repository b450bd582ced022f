import { ClaraError } from '../errors';
import { pidAlive } from '../pid';
import type { DataPaths } from './dataPaths';
import type { Db } from './db';

export type RunStatus = 'running' | 'paused' | 'stopped' | 'finished' | 'failed' | 'interrupted';

export interface RunRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  encoding: 'notewise' | 'chordwise';
  preset: string;
  config: unknown;
  status: RunStatus;
  endReason: string | null;
  backend: string | null;
  step: number;
  epoch: number;
  bestValLoss: number | null;
  elapsedS: number;
  pid: number | null;
}

export interface CheckpointRow {
  id: number;
  runId: string;
  kind: 'best' | 'latest';
  step: number;
  epoch: number;
  valLoss: number | null;
  trainLoss: number | null;
  path: string;
  createdAt: string;
}

const now = (): string => new Date().toISOString();

/** Statuses a run can be resumed from. */
export const RESUMABLE: readonly RunStatus[] = ['paused', 'stopped', 'failed', 'interrupted'];

function toRun(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as string,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
    encoding: r.encoding as RunRow['encoding'],
    preset: r.preset as string,
    config: JSON.parse(r.config as string),
    status: r.status as RunStatus,
    endReason: (r.end_reason as string | null) ?? null,
    backend: (r.backend as string | null) ?? null,
    step: r.step as number,
    epoch: r.epoch as number,
    bestValLoss: (r.best_val_loss as number | null) ?? null,
    elapsedS: r.elapsed_s as number,
    pid: (r.pid as number | null) ?? null,
  };
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
  constructor(
    private readonly db: Db,
    private readonly paths: DataPaths,
  ) {}

  create(r: { id: string; encoding: RunRow['encoding']; preset: string; config: unknown; backend: string }): RunRow {
    const t = now();
    this.db
      .prepare(`INSERT INTO runs (id, created_at, updated_at, encoding, preset, config, status, backend, pid) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)`)
      .run(r.id, t, t, r.encoding, r.preset, JSON.stringify(r.config), r.backend, process.pid);
    return this.get(r.id);
  }

  /** A run whose process died without saying so (kill -9, power cut) reads as interrupted. */
  get(id: string): RunRow {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    if (!row) throw new ClaraError(`no training run "${id}" (see \`clara runs\`)`, 'not-found', 'run');
    const run = toRun(row);
    if (run.status === 'running' && run.pid !== process.pid && !pidAlive(run.pid)) {
      this.update(id, { status: 'interrupted', endReason: 'the training process ended without finishing (killed or crashed); resume with `clara train --resume`' });
      return { ...run, status: 'interrupted' };
    }
    return run;
  }

  list(): RunRow[] {
    const ids = this.db.prepare(`SELECT id FROM runs ORDER BY created_at DESC`).all() as Array<{ id: string }>;
    return ids.map(({ id }) => this.get(id));
  }

  update(id: string, f: Partial<Pick<RunRow, 'status' | 'endReason' | 'backend' | 'step' | 'epoch' | 'bestValLoss' | 'elapsedS' | 'pid'>>): void {
    const cols: Record<string, string> = {
      status: 'status',
      endReason: 'end_reason',
      backend: 'backend',
      step: 'step',
      epoch: 'epoch',
      bestValLoss: 'best_val_loss',
      elapsedS: 'elapsed_s',
      pid: 'pid',
    };
    const sets = Object.keys(f).map((k) => `${cols[k]} = @${k}`);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')}, updated_at = @t WHERE id = @id`).run({ ...f, t: now(), id });
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
      const old = this.db.prepare(`SELECT path, val_loss FROM checkpoints WHERE run_id = ? AND kind = ?`).get(c.runId, c.kind) as
        | { path: string; val_loss: number | null }
        | undefined;
      if (c.kind === 'best' && old && old.val_loss !== null && !(c.valLoss !== null && c.valLoss < old.val_loss)) return { accepted: false, replaced: null };
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
   * is gone reads as interrupted (see get), so it can be taken over.
   */
  claim(id: string, pid = process.pid): RunRow {
    this.get(id);
    const info = this.db
      .prepare(
        `UPDATE runs SET status = 'running', end_reason = NULL, pid = @pid, updated_at = @t
         WHERE id = @id AND status IN (${RESUMABLE.map((x) => `'${x}'`).join(', ')})`,
      )
      .run({ id, pid, t: now() });
    if (info.changes === 1) return this.get(id);
    const current = this.get(id);
    if (current.status === 'finished') throw new ClaraError(`run ${id} already finished (${current.endReason ?? 'budget reached'})`, 'finished', 'run');
    throw new ClaraError(`run ${id} is already running (process ${current.pid ?? '?'})`, 'busy', 'run');
  }

  checkpoints(runId?: string): CheckpointRow[] {
    const rows = runId
      ? this.db.prepare(`SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step`).all(runId)
      : this.db.prepare(`SELECT * FROM checkpoints ORDER BY created_at DESC`).all();
    return (rows as Array<Record<string, unknown>>).map((r) => toCheckpoint(r, this.paths));
  }

  checkpoint(id: number): CheckpointRow {
    const row = this.db.prepare(`SELECT * FROM checkpoints WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    if (!row) throw new ClaraError(`no checkpoint ${id} (see \`clara runs\`)`, 'not-found', 'checkpoint');
    return toCheckpoint(row, this.paths);
  }

  pathInUse(path: string): boolean {
    return this.db.prepare(`SELECT 1 FROM checkpoints WHERE path = ?`).get(this.paths.toStored(path)) !== undefined;
  }

  addMetric(runId: string, step: number, kind: 'train' | 'eval', data: unknown): void {
    this.db.prepare(`INSERT INTO run_metrics (run_id, step, kind, data, at) VALUES (?, ?, ?, ?, ?)`).run(runId, step, kind, JSON.stringify(data), now());
  }

  metrics(runId: string, kind?: 'train' | 'eval'): Array<{ step: number; kind: string; data: unknown }> {
    const rows = (kind
      ? this.db.prepare(`SELECT step, kind, data FROM run_metrics WHERE run_id = ? AND kind = ? ORDER BY rowid`).all(runId, kind)
      : this.db.prepare(`SELECT step, kind, data FROM run_metrics WHERE run_id = ? ORDER BY rowid`).all(runId)) as Array<{ step: number; kind: string; data: string }>;
    return rows.map((r) => ({ step: r.step, kind: r.kind, data: JSON.parse(r.data) }));
  }

  /** Metrics past a step (written after the checkpoint a resumed run restarts from) are dropped. */
  truncateMetrics(runId: string, afterStep: number): void {
    this.db.prepare(`DELETE FROM run_metrics WHERE run_id = ? AND step > ?`).run(runId, afterStep);
  }
}
