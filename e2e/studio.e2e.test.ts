import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMidi } from '../src/core/midi/read';
import { haveBrowser, openStudio, type Studio } from './harness';

let s: Studio;
beforeAll(async () => {
  if (!haveBrowser) return;
  s = await openStudio('studio');
  await s.page.getByRole('button', { name: 'Import demo corpus' }).first().click();
  await s.page.getByTestId('summary').getByText('36 pieces').waitFor({ timeout: 60_000 });
}, 180_000);
afterAll(async () => s?.close());

const statusOf = (st: Studio) => st.page.getByTestId('run-status').textContent();

describe.skipIf(!haveBrowser)('training dashboard and sample browser (served twin in chromium)', () => {
  it('starts a tiny training run and the loss chart gains points', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Training' }).click();
    await page.getByTestId('preset').selectOption('tiny');
    await page.getByTestId('budget').selectOption('steps');
    await page.getByTestId('steps').fill('400');
    await page.getByTestId('eval-every').fill('40');
    await page.getByTestId('start-training').click();
    await expect.poll(() => statusOf(s), { timeout: 60_000 }).toBe('running');
    const points = () => page.getByTestId('chart-Loss').getAttribute('data-points').then(Number);
    await expect.poll(points, { timeout: 90_000 }).toBeGreaterThan(5);
    const first = await points();
    await expect.poll(points, { timeout: 60_000 }).toBeGreaterThan(first);
    await s.shot('training-running');
  });

  it('pauses and resumes the run, which continues from its checkpoint', async () => {
    const { page } = s;
    // A checkpoint exists once the first validation has run.
    await expect.poll(() => page.getByTestId('checkpoints').textContent(), { timeout: 90_000 }).toContain('latest');
    await page.getByTestId('pause').click();
    await expect.poll(() => statusOf(s), { timeout: 60_000 }).toBe('paused');
    await s.shot('training-paused');
    await page.getByTestId('resume').click();
    await expect.poll(() => statusOf(s), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => statusOf(s), { timeout: 240_000, interval: 1000 }).toBe('finished');
    await s.shot('training-finished');
  }, 400_000);

  it('generates from a checkpoint; the samples appear with critic scores', async () => {
    const { page } = s;
    await page.getByTestId('generate-from-best').click();
    await page.getByTestId('seconds').fill('8');
    await page.getByTestId('count').fill('3');
    await page.getByTestId('generate').click();
    await expect.poll(() => page.locator('[data-sample-id]').count(), { timeout: 120_000 }).toBe(3);
    // Scored by the bundled critic and composer classifier as part of the job.
    await expect
      .poll(async () => (await page.locator('[data-sample-id]').first().textContent()) ?? '', { timeout: 60_000 })
      .toMatch(/-?\d+\.\d\d/);
    await page.getByTestId('sort').selectOption('critic');
    await s.shot('samples-listed');
  }, 200_000);

  it('opens a sample in the piano roll, plays it, stars it and finds it under the starred filter', async () => {
    const { page } = s;
    const row = page.locator('[data-sample-id]').nth(1);
    const id = await row.getAttribute('data-sample-id');
    await row.click();
    await page.getByTestId('piano-roll').locator('canvas').waitFor();
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('time').textContent(), { timeout: 10_000 }).toMatch(/^0:0[1-9]/);
    await s.shot('samples-playing');
    await page.keyboard.press(' '); // pause
    await page.keyboard.press('s'); // star
    await expect.poll(() => page.getByTestId('star').textContent()).toContain('Starred');
    await page.getByTestId('starred-only').check();
    await expect.poll(() => page.locator('[data-sample-id]').count()).toBe(1);
    expect(await page.locator('[data-sample-id]').first().getAttribute('data-sample-id')).toBe(id);
    await s.shot('samples-starred');
  });

  it('exports the sample as MIDI that parses back with its notes', async () => {
    const { page } = s;
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-midi').click()]);
    const file = await dl.path();
    const piece = readMidi(fs.readFileSync(file), { pedal: false });
    expect(dl.suggestedFilename()).toMatch(/\.mid$/);
    expect(piece.notes.length).toBeGreaterThan(0);
  });

  it('exports the sample as a WAV rendered offline with the sampled instruments', async () => {
    const { page } = s;
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('export-wav').click(),
    ]);
    const bytes = fs.readFileSync(await dl.path());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
    // 8 s of music and a release tail, 44.1 kHz stereo 16-bit: over a megabyte, and not silent.
    expect(bytes.length).toBeGreaterThan(8 * 44100 * 4);
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset + 44, Math.floor((bytes.length - 44) / 2));
    let peak = 0;
    for (let i = 0; i < pcm.length; i += 7) peak = Math.max(peak, Math.abs(pcm[i]!));
    expect(peak).toBeGreaterThan(1000);
  }, 90_000);

  it('shows no page or console errors', () => {
    expect(s.problems).toEqual([]);
  });
});

describe.skipIf(!haveBrowser)('a training run across closing and reopening the studio', () => {
  it('pauses at a checkpoint when the studio closes and resumes when it opens again', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-e2e-reopen-'));
    try {
      let st = await openStudio('reopen', { dataDir });
      await st.page.getByRole('button', { name: 'Import demo corpus' }).first().click();
      await st.page.getByTestId('summary').getByText('36 pieces').waitFor({ timeout: 60_000 });
      await st.page.getByRole('button', { name: 'Training' }).click();
      await st.page.getByTestId('preset').selectOption('tiny');
      await st.page.getByTestId('budget').selectOption('steps');
      await st.page.getByTestId('steps').fill('100000');
      await st.page.getByTestId('eval-every').fill('30');
      await st.page.getByTestId('start-training').click();
      await expect
        .poll(() => st.page.getByTestId('checkpoints').textContent(), { timeout: 90_000 })
        .toContain('latest');
      await st.close();
      st = await openStudio('reopen', { dataDir });
      await st.page.getByRole('button', { name: 'Training' }).click();
      await expect.poll(() => st.page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('running');
      await st.shot('training-resumed-after-reopen');
      await st.page.getByTestId('stop').click();
      await expect.poll(() => st.page.getByTestId('run-status').textContent(), { timeout: 60_000 }).toBe('stopped');
      await st.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
