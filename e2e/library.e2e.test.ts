import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigPianoMidi } from '../src/testing/bigMidi';
import { haveBrowser, openStudio, root, target, type Studio } from './harness';

let s: Studio;
beforeAll(async () => {
  if (haveBrowser) s = await openStudio('library');
}, 120_000);
afterAll(async () => s?.close());

describe.skipIf(!haveBrowser)('library (served twin in chromium)', () => {
  it('starts empty and imports the bundled demo corpus with progress', async () => {
    const { page } = s;
    // The desktop app imports the demo corpus by itself on first run; the served twin waits to be asked.
    if (target === 'served') {
      await page.getByText('Your library is empty').waitFor();
      await s.shot('library-empty');
    }
    await page.getByRole('button', { name: 'Import demo corpus' }).first().click();
    await expect.poll(() => page.locator('[data-piece-id]').count(), { timeout: 60_000 }).toBeGreaterThan(20);
    await page.getByTestId('summary').getByText('36 pieces').waitFor();
    await s.shot('library-imported');
  });

  it('searches as you type, filters by composer and ensemble, and sorts by a column', async () => {
    const { page } = s;
    const rows = page.locator('[data-piece-id]');
    await page.getByLabel('Search pieces').fill('chopin prelude');
    await expect.poll(() => rows.count()).toBeLessThan(36);
    const found = await rows.allTextContents();
    expect(found.length).toBeGreaterThan(0);
    for (const t of found) expect(t).toMatch(/Prelude.*Chopin/);
    await page.getByLabel('Search pieces').fill('');
    await page.getByLabel('Filter by composer').selectOption({ label: 'Johann Sebastian Bach (3)' });
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel('Filter by ensemble').selectOption('chamber');
    await expect.poll(() => rows.count()).toBe(0);
    await page.getByLabel('Filter by ensemble').selectOption('');
    await page.getByLabel('Filter by composer').selectOption('');
    const notesHeader = page.getByRole('columnheader', { name: /Notes/ });
    await notesHeader.click();
    await expect.poll(() => notesHeader.getAttribute('aria-sort')).toBe('ascending');
    await notesHeader.click();
    await expect.poll(() => notesHeader.getAttribute('aria-sort')).toBe('descending');
    // Rows are virtualised: the table says how many match, the DOM holds those in view.
    await expect.poll(() => page.getByTestId('summary').textContent()).toContain('showing 36');
    expect(await rows.count()).toBeLessThan(36);
    const notesShown = () => rows.evaluateAll((els) => els.map((e) => Number(e.children[4]!.textContent)));
    // The list answers the query after the header shows it: poll until the rows are the descending ones.
    await expect
      .poll(async () => {
        const notes = await notesShown();
        return notes.length > 1 && notes.every((n, i) => i === 0 || notes[i - 1]! >= n);
      })
      .toBe(true);
    await s.shot('library-sorted');
  });

  it('opens a piece with its piano roll and plays it', async () => {
    const { page } = s;
    await page.getByLabel('Search pieces').fill('chopin');
    await page.locator('[data-piece-id]').first().click();
    const details = page.getByTestId('piece-details');
    await details.locator('canvas').waitFor();
    await expect.poll(() => details.textContent()).toContain('Transpositions');
    await expect.poll(() => details.textContent()).toContain('notewise @12');
    await page.getByTestId('play').click();
    await expect.poll(async () => page.getByTestId('time').textContent(), { timeout: 10_000 }).toMatch(/^0:0[1-9]/);
    await s.shot('library-piece-playing');
    await page.getByTestId('play').click(); // pause
  });

  it('edits composer and title, and removes a piece without touching its file', async () => {
    const { page } = s;
    const details = page.getByTestId('piece-details');
    const file = await details.locator('.path').getAttribute('title');
    await details.getByRole('button', { name: 'Edit' }).click();
    await details.getByLabel('Title').fill('Renamed by e2e');
    await details.getByLabel('Composer').fill('Fryderyk Chopin');
    await details.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => details.locator('h2').textContent()).toBe('Renamed by e2e');
    await page.getByLabel('Search pieces').fill('Renamed by e2e');
    await expect.poll(() => page.locator('[data-piece-id]').count()).toBe(1);
    await details.getByRole('button', { name: 'Remove…' }).click();
    await details.getByRole('button', { name: 'Remove from catalog' }).click();
    await expect.poll(() => page.locator('[data-piece-id]').count()).toBe(0);
    expect(fs.existsSync(file!)).toBe(true);
    await page.getByLabel('Search pieces').fill('');
    await page.getByTestId('summary').getByText('35 pieces').waitFor();
  });

  // The desktop app imports through its native dialog, which a test cannot drive; the file picker is the served twin's.
  it.skipIf(target === 'electron')(
    'imports picked files and reports the ones that fail, with reasons, again later',
    async () => {
      const { page } = s;
      const good = path.join(root, 'resources', 'demo-corpus', 'Chopin');
      const goodFile = path.join(
        good,
        fs.readdirSync(good).find((f) => f.endsWith('.mid'))!,
      );
      const bad = path.join(s.dataDir, 'broken.mid');
      fs.writeFileSync(bad, 'this is not a MIDI file');
      await page.getByTestId('file-input').setInputFiles([goodFile, bad]);
      await page.getByTestId('import-report').waitFor();
      await expect.poll(async () => page.locator('.summary').textContent(), { timeout: 30_000 }).toMatch(/1 failed/);
      await page.getByTestId('import-report').click();
      const dialog = page.getByTestId('report-dialog');
      await expect.poll(() => dialog.textContent()).toContain('broken.mid');
      await expect.poll(() => dialog.textContent()).toContain('not a MIDI file');
      await s.shot('library-import-report');
      await dialog.getByRole('button', { name: 'Close' }).click();
    },
  );

  it('shows no page or console errors', () => {
    expect(s.problems).toEqual([]);
  });
});

describe.skipIf(!haveBrowser || target === 'electron')('served twin imports off its main thread', () => {
  it('answers other requests promptly while a 100k-note file is imported', async () => {
    const api = async <T>(method: string, body: unknown): Promise<{ ms: number; value: T }> => {
      const t0 = performance.now();
      const res = await fetch(`${s.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
      if (!json.ok) throw new Error(`${method}: ${json.error?.message}`);
      return { ms: performance.now() - t0, value: json.value };
    };
    const batch = 'bignotes-1';
    const bytes = bigPianoMidi(100_000, { text: 'Hundred thousand notes' });
    await api('uploadFile', { batch, path: 'big/hundred-k.mid', dataBase64: Buffer.from(bytes).toString('base64') });
    const job = (await api<{ id: string }>('importUploads', { batch })).value;
    // While the job runs, every other request is answered at once: the parse is in a worker.
    const during: number[] = [];
    for (;;) {
      const jobs = await api<Array<{ id: string; status: string; result?: string }>>('listJobs', {});
      const mine = jobs.value.find((j) => j.id === job.id)!;
      if (mine.status !== 'running') {
        expect(mine).toMatchObject({ status: 'done', result: expect.stringMatching(/^1 imported/) });
        break;
      }
      during.push(jobs.ms, (await api('catalogSummary', {})).ms);
    }
    expect(during.length).toBeGreaterThan(0);
    expect(Math.max(...during)).toBeLessThan(500);
    const pieces = (await api<Array<{ title: string; noteCount: number }>>('listPieces', { search: 'hundred' })).value;
    expect(pieces).toEqual([expect.objectContaining({ noteCount: 100_000 })]);
  }, 60_000);
});

describe.skipIf(!haveBrowser || target === 'electron')('served twin security', () => {
  it('answers 401 without the token, refuses path traversal, and serves only loopback', async () => {
    const post = (method: string, body: unknown, token?: string) =>
      fetch(`${s.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post('catalogSummary', {})).status).toBe(401);
    expect((await post('catalogSummary', {}, 'wrong-token-wrong-token')).status).toBe(401);
    const trav = await post(
      'uploadFile',
      { batch: 'abcdefgh-1', path: '../../../etc/evil.mid', dataBase64: 'TVRoZA==' },
      s.token,
    );
    expect(trav.status).toBe(400);
    expect(((await trav.json()) as { error: { message: string } }).error.message).toMatch(/^uploadFile: path:/);
    expect(fs.existsSync(path.join(s.dataDir, '..', 'etc', 'evil.mid'))).toBe(false);
    const staticTrav = await fetch(`${s.origin}/..%2f..%2f..%2fetc%2fpasswd`);
    expect(staticTrav.status).toBe(404);
    expect(new URL(s.url).hostname).toBe('127.0.0.1');
  });
});
