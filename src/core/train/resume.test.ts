import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog';
import { importPaths } from '../import/importer';
import { removeStaleTemp } from '../model/checkpoint';
import { demoCorpus } from '../../testing/corpora';
import { train, type TrainEvent } from './trainer';

let root: string;
let original: string;

/** Every file under a folder with its size and modification time: to prove nothing there changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/catalog\.sqlite/.test(e.name)) {
        const st = fs.statSync(p);
        out[path.relative(dir, p)] = `${st.size}:${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

async function trainTiny(
  home: string,
  what: Parameters<typeof train>[2],
): Promise<{ events: TrainEvent[]; runId: string; status: string }> {
  const catalog = Catalog.open(home);
  const events: TrainEvent[] = [];
  try {
    const r = await train(catalog, home, what, { onEvent: (e) => events.push(e) });
    return { events, ...r };
  } finally {
    catalog.close();
  }
}

/** A finished run made resumable the way the state machine allows: taken for more steps, then stopped. */
function stopFinishedRun(c: Catalog, runId: string): void {
  c.runs.claim(runId, { newBudget: true });
  c.runs.end(runId, { status: 'stopped', code: 'user-stop', reason: 'stopped by the user' });
}

const tiny = {
  encoding: 'notewise' as const,
  preset: 'tiny' as const,
  steps: 20,
  evalEvery: 10,
  valTokens: 400,
  backend: 'auto' as const,
};

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-resume-'));
  original = path.join(root, 'data');
  const catalog = Catalog.open(original);
  await importPaths(catalog, [demoCorpus]);
  catalog.close();
}, 120_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('resuming runs', () => {
  it('stores checkpoint paths relative to the data folder, so a copied folder resumes on its own files only', async () => {
    const { runId } = await trainTiny(original, tiny);
    const c = Catalog.open(original);
    const stored = Catalog.internalDb(c).prepare(`SELECT path FROM checkpoints WHERE run_id = ?`).all(runId) as Array<{
      path: string;
    }>;
    c.close();
    expect(stored.length).toBe(2);
    for (const s of stored) expect(s.path).toMatch(new RegExp(`^runs/${runId}/(best|latest)-\\d{8}$`));

    const copy = path.join(root, 'copy');
    fs.cpSync(original, copy, { recursive: true });
    const before = snapshot(original);
    const r = await trainTiny(copy, { resume: runId, steps: 15, backend: 'auto' });
    expect(r.status).toBe('finished');
    expect(snapshot(original)).toEqual(before);
    const cc = Catalog.open(copy);
    for (const cp of cc.runs.checkpoints(runId)) expect(cp.path.startsWith(copy + path.sep)).toBe(true);
    cc.close();
  }, 120_000);

  it('migrates absolute paths of an older catalog, including one copied from another folder', async () => {
    const { runId } = await trainTiny(original, tiny);
    // Make the catalog look as an older version wrote it: absolute paths, schema version 4.
    const c = Catalog.open(original);
    Catalog.internalDb(c)
      .prepare(`UPDATE checkpoints SET path = ? || '/' || path WHERE path NOT LIKE '/%'`)
      .run(original);
    // Undo the later steps' columns too, so the migrations run on what version 4 had.
    for (const [table, column] of [
      ['imports', 'pid'],
      ['imports', 'heartbeat_at'],
      ['pieces', 'timing'],
      ['samples', 'parent_id'],
      ['samples', 'solo'],
    ])
      Catalog.internalDb(c).exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    Catalog.internalDb(c).pragma('user_version = 4');
    c.close();
    const copy = path.join(root, 'legacy-copy');
    fs.cpSync(original, copy, { recursive: true });
    const before = snapshot(original);
    const cc = Catalog.open(copy);
    const paths = Catalog.internalDb(cc).prepare(`SELECT path FROM checkpoints WHERE run_id = ?`).all(runId) as Array<{
      path: string;
    }>;
    expect(paths.every((p) => p.path.startsWith('runs/'))).toBe(true);
    cc.close();
    await trainTiny(copy, { resume: runId, steps: 15, backend: 'auto' });
    expect(snapshot(original)).toEqual(before);
    // The original, opened in place, keeps its own files (now relative).
    const co = Catalog.open(original);
    expect(
      co.runs.checkpoints(runId).every((cp) => cp.path.startsWith(original + path.sep) && fs.existsSync(cp.path)),
    ).toBe(true);
    co.close();
  }, 120_000);

  it('falls back to the best checkpoint when the latest is missing, and says so', async () => {
    const home = path.join(root, 'fallback');
    fs.cpSync(original, home, { recursive: true });
    const { runId } = await trainTiny(home, { ...tiny, steps: 20, patience: 0 });
    const c = Catalog.open(home);
    const latest = c.runs.checkpoints(runId).find((x) => x.kind === 'latest')!;
    const best = c.runs.checkpoints(runId).find((x) => x.kind === 'best')!;
    stopFinishedRun(c, runId);
    c.close();
    fs.rmSync(latest.path, { recursive: true });
    const r = await trainTiny(home, { resume: runId, steps: 5, backend: 'auto' });
    const start = r.events.find((e) => e.type === 'start')!;
    expect(start).toMatchObject({ resumed: true, fromStep: best.step });
    expect(start.type === 'start' && start.notes.join(' ')).toMatch(
      /latest checkpoint .* is missing: resuming from the best one, step \d+/,
    );
  }, 120_000);

  it('refuses to resume when no recorded checkpoint is on disk, and changes nothing', async () => {
    const home = path.join(root, 'gone');
    fs.cpSync(original, home, { recursive: true });
    const { runId } = await trainTiny(home, tiny);
    const c = Catalog.open(home);
    const cps = c.runs.checkpoints(runId);
    const best = cps.find((x) => x.kind === 'best')!;
    stopFinishedRun(c, runId);
    const metricsBefore = c.runs.metrics(runId).length;
    c.close();
    for (const cp of cps) fs.rmSync(cp.path, { recursive: true });
    await expect(trainTiny(home, { resume: runId, backend: 'auto' })).rejects.toThrow(
      /runs\/.*: cannot resume run .*: its checkpoint folder is missing/,
    );
    const after = Catalog.open(home);
    expect(after.runs.get(runId).status).toBe('stopped');
    expect(after.runs.metrics(runId).length).toBe(metricsBefore);
    expect(after.runs.checkpoints(runId).find((x) => x.kind === 'best')).toMatchObject({
      step: best.step,
      valLoss: best.valLoss,
    });
    after.close();
  }, 120_000);

  it('takes a new budget on resume, counted from the resume point, and says so', async () => {
    const home = path.join(root, 'budget');
    fs.cpSync(original, home, { recursive: true });
    const { runId } = await trainTiny(home, tiny);
    const r = await trainTiny(home, { resume: runId, steps: 7, backend: 'auto' });
    const start = r.events.find((e) => e.type === 'start')!;
    const end = r.events.at(-1)!;
    expect(start.type === 'start' && start.config.budget).toEqual({ steps: 27, seconds: null });
    expect(start.type === 'start' && start.notes.join(' ')).toMatch(/new budget: 7 more steps \(to step 27\)/);
    expect(end).toMatchObject({ type: 'end', status: 'finished', step: 27 });
    // Without a new budget a finished run stays finished.
    await expect(trainTiny(home, { resume: runId, backend: 'auto' })).rejects.toThrow(/already finished/);
  }, 120_000);
});

describe('the run row', () => {
  it('is claimed atomically: a second claim while the first holds it is refused', () => {
    const home = path.join(root, 'claim');
    const c = Catalog.open(home);
    c.runs.create({ id: 'r1', encoding: 'notewise', preset: 'tiny', config: {}, backend: 'auto' });
    c.runs.end('r1', { status: 'stopped', code: 'user-stop', reason: 'stopped by the user' });
    // Two processes' catalogs: the second sees the first's claim.
    const other = Catalog.open(home);
    expect(c.runs.claim('r1').status).toBe('running');
    expect(() => other.runs.claim('r1')).toThrow(/run r1 is already running/);
    c.runs.end('r1', { status: 'finished', code: 'budget', reason: 'reached 20 steps' });
    expect(() => other.runs.claim('r1')).toThrow(/already finished/);
    other.close();
    c.close();
  });

  it('replaces a best checkpoint only with a better one', () => {
    const c = Catalog.open(path.join(root, 'best'));
    c.runs.create({ id: 'r2', encoding: 'notewise', preset: 'tiny', config: {}, backend: 'auto' });
    const put = (step: number, valLoss: number) =>
      c.runs.putCheckpoint({
        runId: 'r2',
        kind: 'best',
        step,
        epoch: 0,
        valLoss,
        trainLoss: null,
        path: path.join(c.paths.root, 'runs', 'r2', `best-${step}`),
      });
    expect(put(10, 3)).toEqual({ accepted: true, replaced: null });
    expect(put(20, 3.5)).toEqual({ accepted: false, replaced: null });
    expect(put(30, 2.5)).toMatchObject({ accepted: true, replaced: path.join(c.paths.root, 'runs', 'r2', 'best-10') });
    expect(c.runs.checkpoints('r2')[0]).toMatchObject({ step: 30, valLoss: 2.5 });
    c.close();
  });
});

describe('files outside the data folder', () => {
  it('are never deleted through the catalog', () => {
    const home = path.join(root, 'outside');
    const c = Catalog.open(home);
    const outside = path.join(root, 'users-own.mid');
    fs.writeFileSync(outside, 'x');
    expect(c.paths.toStored(outside)).toBe(outside);
    expect(c.paths.removeInside(outside)).toBe(false);
    expect(fs.existsSync(outside)).toBe(true);
    // A link inside the folder pointing out of it does not let a delete escape either.
    fs.mkdirSync(path.join(home, 'samples'), { recursive: true });
    fs.symlinkSync(root, path.join(home, 'samples', 'escape'));
    expect(c.paths.removeInside(path.join(home, 'samples', 'escape', 'users-own.mid'))).toBe(false);
    expect(fs.existsSync(outside)).toBe(true);
    c.close();
  });

  it('half-written checkpoint folders of dead processes are cleaned, a live one is kept', () => {
    const runsDir = path.join(root, 'tmpclean', 'runs', 'r');
    fs.mkdirSync(path.join(runsDir, 'latest-00000010.tmp-999999999'), { recursive: true });
    fs.mkdirSync(path.join(runsDir, `latest-00000020.tmp-${process.ppid}`), { recursive: true });
    const removed = removeStaleTemp(path.join(root, 'tmpclean', 'runs'));
    expect(removed.map((p) => path.basename(p))).toEqual(['latest-00000010.tmp-999999999']);
    expect(fs.existsSync(path.join(runsDir, `latest-00000020.tmp-${process.ppid}`))).toBe(true);
  });
});
