/**
 * Studio benchmark, in Debian chromium against the served twin (prints one JSON object):
 * - time to first paint of the library with the full piano-midi.de corpus (337 pieces), and with
 *   10,000 synthetic rows, plus frame times while scrolling that table;
 * - the piano roll: frame times while scrolling a 20,000-note sample.
 *
 *   npm run bench -- studio
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../src/core/catalog/catalog';
import { importPaths } from '../src/core/import/importer';
import { writeMidi } from '../src/core/encoding/toMidi';
import { resolveEncodingOptions, type StepNote } from '../src/core/encoding';
import { sharedCorpora } from '../src/testing/corpora';
import { openStudio, type Studio } from '../e2e/harness';

interface Frames {
  frames: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  fps: number;
}

function summarise(deltas: number[]): Frames {
  const d = [...deltas].sort((a, b) => a - b);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  return {
    frames: d.length,
    meanMs: +mean.toFixed(2),
    p95Ms: +d[Math.floor(d.length * 0.95)]!.toFixed(2),
    maxMs: +d[d.length - 1]!.toFixed(2),
    fps: +(1000 / mean).toFixed(1),
  };
}

/** Records frame intervals in the page while `drive` runs. */
async function framesWhile(s: Studio, drive: () => Promise<void>): Promise<Frames> {
  // A string, not a function: tsx would wrap inner functions in a helper the page does not have.
  await s.page.evaluate(`(() => {
    window.__frames = [];
    window.__stop = false;
    let last = performance.now();
    const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await drive();
  const deltas = (await s.page.evaluate(
    '(() => { window.__stop = true; return window.__frames.slice(2); })()',
  )) as number[];
  return summarise(deltas);
}

/** Opens the studio on a data folder: ms from navigation to the first rows drawn, and to the whole list loaded. */
async function firstPaint(
  dataDir: string,
  expectRows: number,
): Promise<{ ms: number; fullMs: number; studio: Studio }> {
  const studio = await openStudio('bench', { dataDir });
  await studio.page.locator('[data-piece-id]').first().waitFor({ timeout: 60_000 });
  const ms = (await studio.page.evaluate('performance.now()')) as number;
  await studio.page
    .getByTestId('summary')
    .getByText(`showing ${expectRows}`, { exact: false })
    .waitFor({ timeout: 60_000 });
  await studio.page.waitForFunction(`!document.querySelector('[data-testid=summary]').textContent.includes('…')`);
  const fullMs = (await studio.page.evaluate('performance.now()')) as number;
  return { ms: Math.round(ms), fullMs: Math.round(fullMs), studio };
}

const result: Record<string, unknown> = { browser: 'Debian chromium (headless)', viewport: '1400x900' };
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-bench-studio-'));
try {
  // 1. The real corpus.
  const catalog = Catalog.open(home);
  await importPaths(catalog, [sharedCorpora().piano]);
  const n = catalog.countPieces().total;
  catalog.close();
  let r = await firstPaint(home, n);
  result.library337 = { pieces: n, firstPaintMs: r.ms, wholeListMs: r.fullMs };
  await r.studio.close();

  // 2. 10,000 rows: copies of the real pieces with new hashes (what a big personal library looks like to the table).
  const c2 = Catalog.open(home);
  const have = c2.countPieces().total;
  const copies = 10_000 - have;
  // No method copies pieces: the benchmark writes its rows directly.
  const db = Catalog.internalDb(c2);
  db.transaction(() => {
    for (let k = 0; k < Math.ceil(copies / have); k++) {
      db.prepare(
        `INSERT INTO pieces (hash, path, file_name, composer, composer_source, title, ensemble, split, ppq, note_count, duration_beats, duration_seconds, pedal, warnings, imported_at, updated_at)
         SELECT hash || '-copy${k}', path, file_name, composer, composer_source, title || ' (copy ${k + 1})', ensemble, split, ppq, note_count, duration_beats, duration_seconds, pedal, warnings, imported_at, updated_at
         FROM pieces WHERE hash NOT LIKE '%-copy%' LIMIT ?`,
      ).run(Math.min(have, copies - k * have));
    }
  })();
  const total = c2.countPieces().total;

  // 3. A 20,000-note sample for the piano roll.
  const o = resolveEncodingOptions();
  const notes: StepNote[] = [];
  for (let i = 0; i < 20_000; i++)
    notes.push({
      key: (i * 7 + Math.floor(i / 5)) % 62,
      start: i * 3,
      dur: 6 + (i % 18),
      velocity: 40 + (i % 80),
      voice: i % 9 === 0 ? 'v' : 'p',
    } as StepNote);
  const file = path.join(home, 'big-sample.mid');
  fs.writeFileSync(file, writeMidi(notes, o));
  c2.samples.add(
    {
      createdAt: new Date().toISOString(),
      runId: 'bench',
      checkpointPath: '',
      checkpointStep: 0,
      encoding: 'notewise',
      prompt: { kind: 'none', words: 0 },
      options: { tempo: 120, meter: '4/4', key: null },
      seed: 1,
      batchIndex: 0,
      durationS: (60_000 * 3) / 12 / 2,
      tokens: 0,
      noteCount: 20_000,
      title: 'Twenty thousand notes',
      parentId: null,
    },
    () => file,
  );
  c2.close();

  r = await firstPaint(home, total);
  const s = r.studio;
  const tableScroll = await framesWhile(s, async () => {
    const box = (await s.page.locator('[aria-label="Piece rows"]').boundingBox())!;
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 120; i++) await s.page.mouse.wheel(0, 240);
  });
  result.library10k = { pieces: total, firstPaintMs: r.ms, wholeListMs: r.fullMs, scroll: tableScroll };

  // Piano roll.
  await s.page.getByRole('button', { name: 'Samples' }).click();
  await s.page.locator('[data-sample-id]').first().click();
  const roll = s.page.getByTestId('piano-roll').locator('canvas');
  await roll.waitFor();
  await s.page.waitForTimeout(1000);
  const box = (await roll.boundingBox())!;
  await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // Zoom in to a readable scale (about 10 s in view), then scroll through the piece.
  await s.page.keyboard.down('Control');
  for (let i = 0; i < 12; i++) await s.page.mouse.wheel(0, -100);
  await s.page.keyboard.up('Control');
  await s.page.evaluate('window.__claraRollDraws = []');
  const rollScroll = await framesWhile(s, async () => {
    await s.page.keyboard.down('Shift');
    for (let i = 0; i < 240; i++) await s.page.mouse.wheel(0, 120);
    await s.page.keyboard.up('Shift');
  });
  const drawsZoomed = (await s.page.evaluate('window.__claraRollDraws.splice(0)')) as number[];
  const fitScroll = await framesWhile(s, async () => {
    await s.page.getByRole('button', { name: 'Fit' }).click();
    await s.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await s.page.keyboard.down('Control');
    for (let i = 0; i < 60; i++) await s.page.mouse.wheel(0, i < 30 ? -100 : 100);
    await s.page.keyboard.up('Control');
  });
  await s.page.screenshot({ path: path.join(home, '..', 'clara-bench-pianoroll.png') });
  const drawsFit = (await s.page.evaluate('window.__claraRollDraws.splice(0)')) as number[];
  result.pianoRoll20k = {
    notes: 20_000,
    scrollZoomedIn: { ...rollScroll, drawMs: summarise(drawsZoomed) },
    zoomWholePiece: { ...fitScroll, drawMs: summarise(drawsFit) },
    problems: s.problems,
  };
  await s.close();
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
