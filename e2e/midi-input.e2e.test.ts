import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBrowser, openStudio, root, target, type Studio } from './harness';

/**
 * A fake Web MIDI in the page, installed before the studio's own scripts: one input ("Fake
 * Keyboard") that the spec plays through `window.__fakeMidi.play`, and one output ("Fake Synth")
 * that records what it is sent. Sysex is refused, as the desktop app refuses it.
 */
const FAKE_MIDI = `(() => {
  class FakePort extends EventTarget {
    constructor(id, name, type) {
      super();
      Object.assign(this, { id, name, type, manufacturer: 'Clara e2e', version: '1', state: 'connected', connection: 'closed', onmidimessage: null, onstatechange: null });
    }
    async open() { this.connection = 'open'; return this; }
    async close() { this.connection = 'closed'; return this; }
  }
  const input = new FakePort('fake-in', 'Fake Keyboard', 'input');
  const output = new FakePort('fake-out', 'Fake Synth', 'output');
  const sent = [];
  output.send = (data) => { sent.push(Array.from(data)); };
  output.clear = () => {};
  const access = new EventTarget();
  Object.assign(access, { inputs: new Map([[input.id, input]]), outputs: new Map([[output.id, output]]), sysexEnabled: false, onstatechange: null });
  Object.defineProperty(Navigator.prototype, 'requestMIDIAccess', {
    configurable: true,
    value: async (opts) => {
      if (opts && opts.sysex) throw new DOMException('sysex is not allowed', 'SecurityError');
      return access;
    },
  });
  const send = (bytes) => {
    const data = new Uint8Array(bytes);
    const e = typeof MIDIMessageEvent === 'function' ? new MIDIMessageEvent('midimessage', { data }) : Object.assign(new Event('midimessage'), { data });
    input.dispatchEvent(e);
    if (input.onmidimessage) input.onmidimessage(e);
  };
  window.__fakeMidi = {
    sent,
    send,
    /** Plays [pitch, startMs, durationMs, velocity] notes from now; resolves when the last has ended. */
    play(notes) {
      const end = Math.max(...notes.map((n) => n[1] + n[2]));
      for (const [p, at, dur, vel] of notes) {
        setTimeout(() => send([0x90, p, vel]), at);
        setTimeout(() => send([0x80, p, 0]), at + dur);
      }
      return new Promise((r) => setTimeout(r, end + 50));
    },
  };
})();`;

/** What the init script leaves in the page (the e2e type-check has no DOM types: reach it through globalThis). */
type PageWithFakeMidi = {
  __fakeMidi: { sent: number[][]; play(notes: Array<[number, number, number, number]>): Promise<void> };
};

let s: Studio;
const run = haveBrowser && target === 'served';
beforeAll(async () => {
  if (!run) return;
  s = await openStudio('midi-input', { initScript: FAKE_MIDI });
}, 120_000);
afterAll(async () => s?.close());

describe.skipIf(!run)('a prompt played on a MIDI keyboard (fake Web MIDI in chromium)', () => {
  it('records a prompt after a one-bar count-in, drawing the notes live', async () => {
    const { page } = s;
    await page.getByRole('button', { name: 'Samples' }).click();
    await page.getByTestId('open-generate').click();
    await page.getByTestId('prompt-kind').selectOption('keyboard');
    await expect
      .poll(() => page.getByTestId('midi-input').locator('option').allTextContents())
      .toEqual(['Fake Keyboard']);
    await page.getByTestId('record-bpm').fill('120');
    await page.getByTestId('record').click();
    await expect.poll(() => page.getByTestId('record-status').textContent()).toMatch(/Count-in [1-4]/);
    await expect.poll(() => page.getByTestId('record-status').textContent(), { timeout: 5000 }).toMatch(/Recording/);
    // A rising C major phrase, then a chord: 8 notes in about 2.4 s.
    const phrase: Array<[number, number, number, number]> = [
      [60, 0, 250, 90],
      [62, 300, 250, 80],
      [64, 600, 250, 85],
      [65, 900, 250, 80],
      [67, 1200, 500, 95],
      [60, 1800, 600, 70],
      [64, 1800, 600, 70],
      [67, 1800, 600, 70],
    ];
    const played = page.evaluate((notes) => (globalThis as unknown as PageWithFakeMidi).__fakeMidi.play(notes), phrase);
    await expect.poll(() => page.getByTestId('record-status').textContent(), { timeout: 5000 }).toMatch(/[1-7] notes/);
    await s.shot('midi-recording-live');
    await played;
    await page.getByTestId('record-stop').click();
    await expect.poll(() => page.getByTestId('record-status').textContent()).toMatch(/Recorded 0:0\d · 8 notes/);
    await s.shot('midi-recorded');
  });

  it('continues the recording: the sample lists with the recording as its prompt', async () => {
    const { page } = s;
    await page.getByTestId('seconds').fill('8');
    await page.getByTestId('count').fill('1');
    await page.getByTestId('continue-recording').click();
    await expect.poll(() => page.locator('[data-sample-id]').count(), { timeout: 120_000 }).toBe(1);
    await page.locator('[data-sample-id]').first().click();
    await expect
      .poll(() => page.getByTestId('prompt-of').textContent(), { timeout: 10_000 })
      .toMatch(/prompt: keyboard-recording-\d+\.mid \(\d+ words\)/);
    // The prompt's tempo carries over.
    await expect.poll(() => page.getByTestId('written-as').textContent()).toMatch(/^120 bpm/);
    await s.shot('midi-continued');
  }, 180_000);

  it('plays it with the General MIDI sound bank and exports a WAV rendered offline with it', async () => {
    const { page } = s;
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('time').textContent(), { timeout: 20_000 }).toMatch(/^0:0[1-9]/);
    expect(await page.getByTestId('sound').textContent()).toMatch(/GM/);
    await s.shot('midi-continuation-playing');
    await page.getByTestId('play').click();
    const [dl] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('export-wav').click(),
    ]);
    const bytes = fs.readFileSync(await dl.path());
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.length).toBeGreaterThan(8 * 44100 * 4);
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset + 44, Math.floor((bytes.length - 44) / 2));
    let peak = 0;
    for (let i = 0; i < pcm.length; i += 7) peak = Math.max(peak, Math.abs(pcm[i]!));
    expect(peak).toBeGreaterThan(1000);
  }, 90_000);

  it('plays the sample out to a MIDI output instead of the sound bank', async () => {
    const { page } = s;
    await page.getByTestId('open-sound').click();
    await page.getByTestId('midi-output').selectOption({ label: 'MIDI out: Fake Synth' });
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('sound').textContent()).toBe('MIDI out: Fake Synth');
    const noteOns = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as PageWithFakeMidi).__fakeMidi.sent.filter(
            (m) => (m[0]! & 0xf0) === 0x90 && m[2]! > 0,
          ).length,
      );
    await expect.poll(noteOns, { timeout: 10_000 }).toBeGreaterThan(2);
    expect(
      await page.evaluate(() => (globalThis as unknown as PageWithFakeMidi).__fakeMidi.sent.some((m) => m[0] === 0xf0)),
    ).toBe(false);
    await s.shot('midi-output-playing');
    await page.getByTestId('play').click();
  });

  it("loads a sound bank of the user's choosing, remembered after a reload and used for playback", async () => {
    const { page } = s;
    // The Sound panel is open from the previous step.
    await page.getByTestId('midi-output').selectOption({ label: 'the sound bank' });
    const bank = fs.readFileSync(path.join(root, 'resources', 'public', 'soundfonts', 'clara-gm.sf3'));
    await page.getByTestId('bank-file').setInputFiles({ name: 'my-bank.sf3', mimeType: 'audio/x-sf3', buffer: bank });
    await expect.poll(() => page.getByTestId('bank-name').textContent(), { timeout: 20_000 }).toBe('my-bank.sf3');
    await page.reload();
    await page.getByTestId('open-sound').click();
    await expect.poll(() => page.getByTestId('bank-name').textContent()).toBe('my-bank.sf3');
    await page.locator('[data-sample-id]').first().click();
    await page.getByTestId('play').click();
    await expect.poll(() => page.getByTestId('sound').textContent(), { timeout: 20_000 }).toBe('my-bank.sf3');
    await expect.poll(() => page.getByTestId('time').textContent(), { timeout: 20_000 }).toMatch(/^0:0[1-9]/);
    await s.shot('sound-settings-own-bank');
    await page.getByTestId('play').click();
    await page.getByTestId('bank-shipped').click();
    await expect.poll(() => page.getByTestId('bank-name').textContent()).toBe('Clara GM (shipped)');
    await expect.poll(() => page.getByTestId('sound').textContent()).toBe('Clara GM (shipped)');
  }, 90_000);

  it('loops a shift-dragged region of the roll and plays it at another tempo', async () => {
    const { page } = s;
    const canvas = page.getByTestId('piano-roll').locator('canvas');
    const box = (await canvas.boundingBox())!;
    // The roll fits the 8 s sample after its 44-px keyboard: 2 s to 5 s.
    const x = (t: number) => box.x + 44 + ((box.width - 44) * t) / 8;
    const y = box.y + box.height / 2;
    await page.keyboard.down('Shift');
    await page.mouse.move(x(2), y);
    await page.mouse.down();
    await page.mouse.move(x(3.5), y, { steps: 4 });
    await page.mouse.move(x(5), y, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.getByTestId('transport').textContent()).toMatch(/Loop 0:0[12]–0:0[45]/);
    await page.getByRole('slider', { name: 'Tempo' }).fill('1.5');
    await page.getByRole('slider', { name: 'Tempo' }).dispatchEvent('change');
    await page.getByTestId('play').click();
    // 3 s of music at 150% take 2 s: over 5 s of listening the time never leaves the region.
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      seen.add(((await page.getByTestId('time').textContent()) ?? '').split(' / ')[0]!);
      await page.waitForTimeout(200);
    }
    await s.shot('samples-loop-playing');
    await page.getByTestId('play').click();
    expect(
      [...seen].every((t) => /^0:0[1-5]$/.test(t)),
      [...seen].join(' '),
    ).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('shows no page or console errors', () => {
    expect(s.problems).toEqual([]);
  });
});
