import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavHeader, wavRms } from '../src/shared/wav';
import { readMidi } from '../src/core/midi/read';
import { soloById } from '../src/shared/instruments';
import { sharedCorpora } from '../src/testing/corpora';
import { haveBrowser, openStudio, root, type Studio } from './harness';

/**
 * A chamber sample with a chosen solo instrument, from the Generate dialog to the files a user takes
 * away. The bundled model is piano-only (its vocabulary has no solo `v` words), so the spec first
 * trains a tiny model on solo+piano pieces of the shared Mutopia chamber corpus with the CLI, into
 * the data folder the studio then opens; the dialog picks that run's checkpoint and a cello.
 */
const clara = (dataDir: string, ...args: string[]): string => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'clara.mjs'), '--data-dir', dataDir, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`clara ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
};

const cello = soloById('cello');
let s: Studio;
let dataDir = '';
let outDir = '';
beforeAll(async () => {
  if (!haveBrowser) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-e2e-solo-'));
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-e2e-solo-out-'));
  const { chamber } = sharedCorpora();
  // 16 violin+piano pieces; a quarter held out so the run has validation data.
  const folders = ['Traditional', 'SardainL', 'DvorakA', 'HandelGF'].map((f) => path.join(chamber, f));
  clara(dataDir, 'import', ...folders, '--test-fraction', '0.25');
  // ~10 s on one core: enough for a model that writes solo and piano notes.
  clara(dataDir, 'train', '--preset', 'tiny', '--steps', '300', '--eval-every', '100', '--workers', '1');
  s = await openStudio('solo', { dataDir });
}, 300_000);
afterAll(async () => {
  await s?.close();
  for (const d of [dataDir, outDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!haveBrowser)('a chamber sample with a solo instrument chosen in the Generate dialog', () => {
  let midiFile = '';

  it('generates from the chamber checkpoint with Cello chosen; the details say so', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Samples' }).click();
    await page.getByTestId('open-generate').click();
    // The trained run's best checkpoint, by its label (run id, kind, step).
    const best = page.getByTestId('checkpoint').locator('option', { hasText: /best · step \d+/ });
    await expect.poll(() => best.count(), { timeout: 30_000 }).toBe(1);
    await page.getByTestId('checkpoint').selectOption((await best.getAttribute('value'))!);
    await page.getByTestId('solo').selectOption({ label: 'Cello' });
    await page.getByTestId('seconds').fill('8');
    await page.getByTestId('count').fill('1');
    await page.getByLabel('Seed').fill('7');
    await s.shot('solo-generate-dialog');
    await page.getByTestId('generate').click();
    await expect.poll(() => page.locator('[data-sample-id]').count(), { timeout: 120_000 }).toBe(1);
    await page.locator('[data-sample-id]').first().click();
    await expect.poll(() => page.getByTestId('solo-of').textContent(), { timeout: 30_000 }).toBe('Solo: Cello');
    await page.getByTestId('piano-roll').locator('canvas').waitFor();
    await s.shot('solo-cello-sample');
  }, 200_000);

  it("exports MIDI with a track named Cello on GM program 42, every solo note in the cello's range", async () => {
    const { page } = s;
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-midi').click()]);
    midiFile = path.join(outDir, dl.suggestedFilename());
    expect(midiFile).toMatch(/\.mid$/);
    await dl.saveAs(midiFile);
    const piece = readMidi(fs.readFileSync(midiFile), { pedal: false });
    const track = piece.tracks.find((t) => t.name === 'Cello');
    expect(track, JSON.stringify(piece.tracks)).toBeDefined();
    expect(track!.program).toBe(42);
    expect(track!.program).toBe(cello.program);
    expect(track!.role).toBe('solo');
    const solo = piece.notes.filter((n) => n.track === track!.index);
    expect(solo.length).toBeGreaterThan(0);
    for (const n of solo) {
      expect(n.voice).toBe('v');
      expect(n.pitch).toBeGreaterThanOrEqual(cello.low);
      expect(n.pitch).toBeLessThanOrEqual(cello.high);
    }
    // The piano part is on its own track, beside the cello.
    expect(piece.tracks.find((t) => t.name === 'Piano')?.program).toBe(0);
    expect(piece.ensemble).toBe('solo+piano');
  });

  it('renders the same length as a WAV from the studio and from clara render', async () => {
    const { page } = s;
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 90_000 }),
      page.getByTestId('export-wav').click(),
    ]);
    const studioWav = new Uint8Array(fs.readFileSync(await dl.path()));
    const cliOut = path.join(outDir, 'cli.wav');
    const r = JSON.parse(clara(dataDir, 'render', midiFile, '-o', cliOut, '--json')) as { seconds: number };
    const cliWav = new Uint8Array(fs.readFileSync(cliOut));
    const studio = readWavHeader(studioWav);
    const cli = readWavHeader(cliWav);
    console.log(`solo e2e: studio WAV ${studio.seconds.toFixed(3)} s, clara render ${cli.seconds.toFixed(3)} s`);
    expect(cli.seconds).toBeCloseTo(r.seconds, 3);
    expect([studio.channels, studio.bitsPerSample, studio.sampleRate]).toEqual([2, 16, 44100]);
    expect(Math.abs(studio.seconds - cli.seconds)).toBeLessThanOrEqual(0.5);
    // 8 s of music and a release tail, and both sound.
    expect(studio.seconds).toBeGreaterThan(8);
    expect(wavRms(studioWav)).toBeGreaterThan(0.005);
    expect(wavRms(cliWav)).toBeGreaterThan(0.005);
  }, 120_000);

  it('shows no page or console errors', () => {
    expect(s.problems).toEqual([]);
  });
});
