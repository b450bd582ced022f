import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canTransition,
  END_CODES,
  RUN_STATUSES,
  type EndedStatus,
  type RunStatus,
  type TrainerEnd,
} from '../../shared/runStatus';
import { Catalog } from './catalog';
import { MIGRATIONS } from './migrations';

let root: string;
let c: Catalog;
let n = 0;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-runs-'));
  c = Catalog.open(path.join(root, 'data'));
});
afterAll(() => {
  c.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A process id that is certainly not running (beyond Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 12345;
/** A process that is certainly running and is not this one. */
const OTHER_LIVE_PID = process.ppid;

const ENDS: Record<Exclude<EndedStatus, 'interrupted'>, TrainerEnd & { reason: string }> = {
  finished: { status: 'finished', code: 'budget', reason: 'reached 20 steps' },
  stopped: { status: 'stopped', code: 'user-stop', reason: 'stopped by the user' },
  paused: { status: 'paused', code: 'user-pause', reason: 'paused by the user' },
  failed: { status: 'failed', code: 'error', reason: 'the loss diverged' },
};

/** A new run brought to a status through the moves the state machine allows. */
function runAt(status: RunStatus): string {
  const id = `r${++n}`;
  c.runs.create({ id, encoding: 'notewise', preset: 'tiny', config: {}, backend: 'cpu' });
  if (status === 'running') return id;
  if (status === 'interrupted') {
    // Held by a process that has died since: reading the row notices.
    c.runs.end(id, ENDS.stopped);
    c.runs.claim(id, { pid: DEAD_PID });
    expect(c.runs.get(id).status).toBe('interrupted');
    return id;
  }
  c.runs.end(id, ENDS[status]);
  return id;
}

/** The rows as stored, without the reading that notices dead processes. */
const stored = (id: string) =>
  Catalog.internalDb(c)
    .prepare(`SELECT status, end_code, end_reason, pid, requested FROM runs WHERE id = ?`)
    .get(id) as Record<string, unknown>;

describe('the run state machine', () => {
  // Written out in full here, not derived from the module, so a changed table fails this test.
  const allowed: Record<RunStatus, RunStatus[]> = {
    running: ['paused', 'stopped', 'finished', 'failed', 'interrupted'],
    paused: ['running'],
    stopped: ['running'],
    finished: ['running'],
    failed: ['running'],
    interrupted: ['running'],
  };

  it('allows exactly the listed moves', () => {
    for (const from of RUN_STATUSES)
      for (const to of RUN_STATUSES)
        expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed[from].includes(to));
  });

  it('gives every ended state its own end codes', () => {
    const all = Object.values(END_CODES).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(END_CODES.paused).toContain('studio-closed');
  });
});

describe('Runs: the one writer of run statuses', () => {
  it('creates a run as running, held by this process', () => {
    const id = runAt('running');
    expect(c.runs.get(id)).toMatchObject({
      status: 'running',
      pid: process.pid,
      endCode: null,
      endReason: null,
      requested: null,
    });
  });

  it('lets the owner end its running run in every ended state but interrupted, with the code and reason', () => {
    for (const end of Object.values(ENDS)) {
      const id = runAt('running');
      c.runs.end(id, end, { step: 7, bestValLoss: 2.5 });
      expect(c.runs.get(id)).toMatchObject({
        status: end.status,
        endCode: end.code,
        endReason: end.reason,
        pid: null,
        step: 7,
        bestValLoss: 2.5,
      });
    }
  });

  it('refuses to end a run that is not running, or not in this process, and changes nothing', () => {
    for (const from of ['paused', 'stopped', 'finished', 'failed', 'interrupted'] as const) {
      for (const end of Object.values(ENDS)) {
        const id = runAt(from);
        const before = stored(id);
        expect(() => c.runs.end(id, end), `${from} → ${end.status}`).toThrow(
          new RegExp(`run ${id}: cannot mark it ${end.status}: it is ${from}`),
        );
        expect(stored(id)).toEqual(before);
      }
    }
    // Running, but in another (live) process: only that one may end it.
    const id = runAt('stopped');
    c.runs.claim(id, { pid: OTHER_LIVE_PID });
    expect(() => c.runs.end(id, ENDS.finished)).toThrow(
      new RegExp(`it is running in process ${OTHER_LIVE_PID}, not running in this process`),
    );
    expect(c.runs.get(id)).toMatchObject({ status: 'running', pid: OTHER_LIVE_PID });
  });

  it('refuses an end code that does not belong to the state', () => {
    const id = runAt('running');
    for (const [status, code] of [
      ['paused', 'budget'],
      ['finished', 'user-pause'],
      ['stopped', 'studio-closed'],
      ['failed', 'process-died'],
    ] as const) {
      expect(() => c.runs.end(id, { status, code, reason: 'x' } as never)).toThrow(
        new RegExp(`"${code}" is not a reason to be ${status}`),
      );
    }
    expect(c.runs.get(id).status).toBe('running');
  });

  it('claims paused, stopped, failed and interrupted runs; a finished one only with a new budget; never a running one', () => {
    for (const from of ['paused', 'stopped', 'failed', 'interrupted'] as const) {
      const id = runAt(from);
      expect(c.runs.claim(id), from).toMatchObject({
        status: 'running',
        pid: process.pid,
        endCode: null,
        endReason: null,
      });
    }
    const finished = runAt('finished');
    expect(() => c.runs.claim(finished)).toThrow(/already finished \(reached 20 steps\)/);
    expect(c.runs.get(finished).status).toBe('finished');
    expect(c.runs.claim(finished, { newBudget: true }).status).toBe('running');
    const running = runAt('running');
    expect(() => c.runs.claim(running)).toThrow(
      new RegExp(`run ${running} is already running \\(process ${process.pid}\\)`),
    );
    expect(() => c.runs.claim(running, { newBudget: true })).toThrow(/is already running/);
  });

  it('reads a run whose process died as interrupted, records it once, and leaves a live one alone', () => {
    const id = runAt('stopped');
    // Claimed for a process that is gone by the time anyone reads the row.
    expect(c.runs.claim(id, { pid: DEAD_PID })).toMatchObject({
      status: 'interrupted',
      endCode: 'process-died',
      pid: null,
    });
    expect(stored(id)).toMatchObject({ status: 'interrupted', end_code: 'process-died', pid: null });
    expect(c.runs.get(id)).toMatchObject({ status: 'interrupted', endCode: 'process-died', pid: null });
    expect(c.runs.get(id).endReason).toMatch(/resume with `clara train --resume`/);

    const live = runAt('stopped');
    c.runs.claim(live, { pid: OTHER_LIVE_PID });
    expect(c.runs.get(live)).toMatchObject({ status: 'running', pid: OTHER_LIVE_PID });
    // And it can be taken over only once it is gone.
    expect(() => c.runs.claim(live)).toThrow(/is already running/);
  });

  it('gives a claimed run back exactly as it was when a resume fails before training', () => {
    for (const from of ['paused', 'stopped', 'failed', 'interrupted', 'finished'] as const) {
      const id = runAt(from);
      const before = c.runs.get(id);
      c.runs.claim(id, { newBudget: true });
      c.runs.release(id, before);
      expect(c.runs.get(id), from).toMatchObject({
        status: before.status,
        endCode: before.endCode,
        endReason: before.endReason,
        pid: null,
      });
    }
  });

  it('takes requests only for running runs; the owner reads them and ending clears them', () => {
    for (const from of ['paused', 'stopped', 'finished', 'failed', 'interrupted'] as const) {
      const id = runAt(from);
      expect(c.runs.request(id, 'pause'), from).toBe(false);
      expect(c.runs.requested(id)).toBeNull();
    }
    const id = runAt('running');
    expect(c.runs.request(id, 'pause')).toBe(true);
    expect(c.runs.request(id, 'close')).toBe(true);
    expect(c.runs.requested(id)).toBe('close');
    // A request never moves the status: only the owner does, when it answers.
    expect(c.runs.get(id)).toMatchObject({ status: 'running', requested: 'close' });
    c.runs.end(id, {
      status: 'paused',
      code: 'studio-closed',
      reason: 'paused when the studio closed; resumes when it opens',
    });
    expect(c.runs.get(id)).toMatchObject({ status: 'paused', endCode: 'studio-closed', requested: null });
    // A stale request cannot reach the next process to train it.
    expect(c.runs.claim(id).requested).toBeNull();
    expect(() => c.runs.request(id, 'explode' as never)).toThrow(/"explode" is not a request/);
  });

  it('records progress without ever touching the status', () => {
    const id = runAt('paused');
    c.runs.update(id, {
      step: 40,
      epoch: 2,
      elapsedS: 12.5,
      bestValLoss: 3.25,
      backend: 'wasm',
      status: 'finished',
      pid: 1,
    } as never);
    expect(c.runs.get(id)).toMatchObject({
      status: 'paused',
      endCode: 'user-pause',
      pid: null,
      step: 40,
      epoch: 2,
      elapsedS: 12.5,
      bestValLoss: 3.25,
      backend: 'wasm',
    });
  });
});

describe('run metrics', () => {
  it('are stored in the shape of the events they come from, and read back through it', () => {
    const id = runAt('running');
    c.runs.addTrainMetric(id, {
      step: 10,
      loss: 3.5,
      ce: 3.25,
      accuracy: 0.25,
      lr: 0.001,
      tokensPerSec: 900,
      elapsedS: 4,
    });
    c.runs.addEvalMetric(id, { step: 10, valLoss: 3.0, valPerplexity: Math.exp(3), valAccuracy: 0.3 });
    // A validation over no windows has a NaN loss, which JSON stores as null: it reads back as NaN.
    c.runs.addEvalMetric(id, { step: 20, valLoss: Number.NaN, valPerplexity: Number.NaN, valAccuracy: 0 });
    Catalog.internalDb(c)
      .prepare(`INSERT INTO run_metrics (run_id, step, kind, data, at) VALUES (?, 30, 'train', '{"oops":1}', '')`)
      .run(id);
    expect(c.runs.metrics(id)).toEqual([
      { kind: 'train', step: 10, loss: 3.5, ce: 3.25, accuracy: 0.25, lr: 0.001, tokensPerSec: 900, elapsedS: 4 },
      { kind: 'eval', step: 10, valLoss: 3.0, valPerplexity: Math.exp(3), valAccuracy: 0.3 },
      { kind: 'eval', step: 20, valLoss: Number.NaN, valPerplexity: Number.NaN, valAccuracy: 0 },
    ]);
    expect(c.runs.metrics(id, 'eval').length).toBe(2);
  });
});

describe('the migration to run states with codes', () => {
  it('gives old rows their end code and old training points their cross-entropy', () => {
    const home = path.join(root, 'legacy');
    fs.mkdirSync(home);
    // A catalog as the version before the codes left it.
    const at = MIGRATIONS.findIndex((m) => m.toString().includes('end_code'));
    expect(at).toBeGreaterThan(0);
    const db = new Database(path.join(home, 'catalog.sqlite'));
    for (const m of MIGRATIONS.slice(0, at)) {
      if (typeof m === 'string') db.exec(m);
      else m(db as never, home);
    }
    db.pragma(`user_version = ${at}`);
    const insert = db.prepare(
      `INSERT INTO runs (id, created_at, updated_at, encoding, preset, config, status, end_reason, pid) VALUES (?, '2025-01-01', '2025-01-01', 'notewise', 'tiny', '{}', ?, ?, NULL)`,
    );
    insert.run('closed', 'paused', 'paused when the studio closed; resumes when it opens');
    insert.run('paused', 'paused', 'paused by the user');
    insert.run('stopped', 'stopped', 'stopped by the user');
    insert.run('early', 'finished', 'early stopping: validation loss has not improved for 8 validations');
    insert.run('budget', 'finished', 'reached 2000 steps');
    insert.run('failed', 'failed', 'the loss diverged (NaN) at step 3');
    insert.run('died', 'interrupted', 'the training process ended without finishing');
    db.prepare(`INSERT INTO run_metrics (run_id, step, kind, data, at) VALUES ('budget', 10, 'train', ?, '')`).run(
      JSON.stringify({ loss: 4.5, accuracy: 0.1, lr: 0.002, tokensPerSec: 800, elapsedS: 3 }),
    );
    db.close();

    const migrated = Catalog.open(home);
    try {
      const codes = Object.fromEntries(migrated.runs.list().map((r) => [r.id, r.endCode]));
      expect(codes).toEqual({
        closed: 'studio-closed',
        paused: 'user-pause',
        stopped: 'user-stop',
        early: 'early-stop',
        budget: 'budget',
        failed: 'error',
        died: 'process-died',
      });
      // What was stored as `loss` was the cross-entropy.
      expect(migrated.runs.metrics('budget')).toEqual([
        { kind: 'train', step: 10, loss: 4.5, ce: 4.5, accuracy: 0.1, lr: 0.002, tokensPerSec: 800, elapsedS: 3 },
      ]);
    } finally {
      migrated.close();
    }
  });
});
