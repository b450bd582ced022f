import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmf } from '../src/core/midi/parse';
import { haveBrowser, openStudio, type Studio } from './harness';

// Generating in a chosen key and tempo from the dialog, and continuing a sample, in the served twin.
let s: Studio;
beforeAll(async () => {
  if (!haveBrowser) return;
  s = await openStudio('music');
  await s.page.getByRole('button', { name: 'Import demo corpus' }).first().click();
  await s.page.getByTestId('summary').getByText('36 pieces').waitFor({ timeout: 60_000 });
  await s.page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Samples' }).click();
}, 180_000);
afterAll(async () => s?.close());

describe.skipIf(!haveBrowser)('key, tempo and continuation from the Generate dialog', () => {
  it("generates in D minor at 90 bpm and shows both in the sample's details and its file", async () => {
    const { page } = s;
    await page.getByTestId('open-generate').click();
    await page.getByTestId('seconds').fill('8');
    await page.getByTestId('count').fill('1');
    await page.getByTestId('key').fill('D minor');
    await page.getByTestId('bpm').fill('90');
    await page.getByTestId('generate').click();
    await expect.poll(() => page.locator('[data-sample-id]').count(), { timeout: 120_000 }).toBe(1);
    await page.locator('[data-sample-id]').first().click();
    await expect
      .poll(() => page.getByTestId('written-as').textContent(), { timeout: 10_000 })
      .toMatch(/90 bpm · 4\/4 · D minor/);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-midi').click();
    const file = await (await download).path();
    const smf = parseSmf(fs.readFileSync(file!));
    expect(smf.tempos[0]!.bpm).toBeCloseTo(90, 3);
    expect(smf.keySignatures[0]).toMatchObject({ sharps: -1, minor: true });
    await s.shot('sample-in-d-minor');
  }, 200_000);

  it('refuses a key it cannot read, naming the field', async () => {
    const { page } = s;
    await page.getByTestId('open-generate').click();
    await page.getByTestId('key').fill('H dur');
    await page.getByTestId('generate').click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain('key: "H dur" is not a key');
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('key').fill('');
    await page.getByTestId('open-generate').click();
  });

  it('continues the sample with Continue…, keeping the lineage', async () => {
    const { page } = s;
    const parentId = await page.locator('[data-sample-id]').first().getAttribute('data-sample-id');
    await page.getByTestId('continue').click();
    expect(await page.getByTestId('prompt-kind').inputValue()).toBe('sample');
    await page.getByTestId('seconds').fill('6');
    await page.getByTestId('count').fill('1');
    await page.getByTestId('generate').click();
    await expect.poll(() => page.locator('[data-sample-id]').count(), { timeout: 120_000 }).toBe(2);
    await page.locator('[data-sample-id]').first().click();
    await expect
      .poll(() => page.getByTestId('written-as').textContent(), { timeout: 10_000 })
      .toContain(`continues #${parentId}`);
  }, 200_000);

  it('shows no page or console errors but the refused call', () => {
    // The browser logs the one refused request (HTTP 400) itself; nothing else may appear.
    expect(s.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
