import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SoundBankLoader } from 'spessasynth_core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCall, type ApiMethod } from '../../shared/api';
import { SOLO_INSTRUMENTS } from '../../shared/instruments';
import { repo, sharedCorpora } from '../../testing/corpora';
import { makeMidi, Q } from '../../testing/makeMidi';
import { StudioService } from '../../studio/service';
import { Catalog } from '../catalog/catalog';
import { bundledSoundfont } from '../corpus/demo';
import { readMidi } from '../midi/read';
import { RELEASE_TAIL_S, renderMidi, renderMidiFile } from './render';
import { encodeWav16, readWavHeader, wavRms } from './wav';

const bin = path.join(repo, 'bin', 'clara.mjs');
let dir: string;

function clara(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CLARA_HOME: path.join(dir, 'home') },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A WAV's length, level and format, checked against the MIDI it was rendered from. */
function checkWav(wav: Uint8Array, midiSeconds: number, sampleRate: number): { seconds: number; rms: number } {
  const h = readWavHeader(wav);
  expect([h.format, h.channels, h.bitsPerSample, h.sampleRate]).toEqual([1, 2, 16, sampleRate]);
  expect(h.dataOffset + h.dataBytes).toBe(wav.length);
  // The MIDI's length plus the release tail (to a frame), and a level well above silence (−40 dBFS).
  expect(h.seconds).toBeGreaterThanOrEqual(midiSeconds + RELEASE_TAIL_S - 0.01);
  expect(h.seconds).toBeLessThanOrEqual(midiSeconds + RELEASE_TAIL_S + 0.5);
  const rms = wavRms(wav);
  expect(rms).toBeGreaterThan(0.01);
  return { seconds: h.seconds, rms };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-render-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the shipped soundfont', () => {
  it('is an SF3 of the GM programs piano and chamber music need, under 15 MB', () => {
    const sf = bundledSoundfont();
    expect(sf).toBe(path.join(repo, 'resources', 'public', 'soundfonts', 'clara-gm.sf3'));
    const bytes = fs.readFileSync(sf!);
    expect(bytes.length).toBeLessThan(15 * 1024 * 1024);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('sfbk');
    expect(fs.existsSync(path.join(path.dirname(sf!), 'ATTRIBUTION.md'))).toBe(true);
    // A preset of its own (bank 0) for the pianos, harpsichord, celesta, strings, harp and every solo instrument of the table.
    const bank = SoundBankLoader.fromArrayBuffer(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    const programs = new Set(bank.presets.filter((p) => p.bankMSB === 0 && !p.isGMGSDrum).map((p) => p.program));
    const needed = [0, 1, 2, 4, 6, 8, 45, 46, 48, 49, ...SOLO_INSTRUMENTS.map((i) => i.program)];
    expect(needed.filter((p) => !programs.has(p))).toEqual([]);
    expect(bank.presets.length).toBeLessThan(60);
  });
});

describe('renderMidi', () => {
  it('renders a chamber piece from the corpus to a stereo 16-bit WAV of its length, not silent', async () => {
    const file = path.join(sharedCorpora().chamber, 'Traditional', 'no2Bruralaat', 'no2Bruralaat.mid');
    const piece = readMidi(fs.readFileSync(file), { pedal: false });
    const t0 = performance.now();
    const r = await renderMidi(fs.readFileSync(file), file, { sampleRate: 22_050 });
    const wall = (performance.now() - t0) / 1000;
    expect(r.midiSeconds).toBeCloseTo(piece.durationSeconds, 0);
    const { seconds, rms } = checkWav(r.wav, r.midiSeconds, 22_050);
    process.stderr.write(
      `render: ${path.basename(file)} ${seconds.toFixed(1)} s of audio at 22050 Hz in ${wall.toFixed(1)} s (${(seconds / wall).toFixed(1)}× real time), rms ${rms.toFixed(3)}, peak before gain ${r.peak.toFixed(3)}\n`,
    );
  }, 120_000);

  it('sounds every solo instrument of the table, and the piano, with the shipped soundfont', async () => {
    const silent: string[] = [];
    for (const inst of [{ id: 'piano', program: 0, low: 48, high: 84 }, ...SOLO_INSTRUMENTS]) {
      const mid = Math.round((inst.low + inst.high) / 2);
      const bytes = makeMidi([{ name: inst.id, program: inst.program, notes: [[mid, 0, Q, 0.8]] }]);
      const r = await renderMidi(bytes, `${inst.id}.mid`, { sampleRate: 8000, tailSeconds: 0.2 });
      // Before the gain that brings every file to −1 dBFS: the instrument itself is heard.
      if (!(r.peak > 0.02)) silent.push(`${inst.id} (peak ${r.peak.toFixed(4)})`);
    }
    expect(silent).toEqual([]);
  }, 120_000);

  it('keeps a leading rest, so the audio lines up with the MIDI', async () => {
    // Two beats of rest at 120 bpm, then one note: silence first, sound after one second.
    const bytes = makeMidi([{ name: 'Piano', notes: [[60, 2 * Q, Q, 0.9]] }]);
    const r = await renderMidi(bytes, 'rest.mid', { sampleRate: 8000, tailSeconds: 0.5 });
    const h = readWavHeader(r.wav);
    const v = new DataView(r.wav.buffer, r.wav.byteOffset + h.dataOffset, h.dataBytes);
    const level = (from: number, to: number) => {
      let m = 0;
      for (let f = Math.round(from * 8000); f < Math.round(to * 8000); f++)
        m = Math.max(m, Math.abs(v.getInt16(f * 4, true)));
      return m / 0x8000;
    };
    expect(level(0, 0.95)).toBeLessThan(0.001);
    expect(level(1, 1.4)).toBeGreaterThan(0.2);
  });

  it('names the file at fault: not MIDI, no notes, a bad soundfont, a bad sample rate', async () => {
    const text = path.join(dir, 'notes.mid');
    fs.writeFileSync(text, 'these are not notes');
    await expect(renderMidiFile(text, path.join(dir, 'x.wav'))).rejects.toThrow(/notes\.mid: /);
    await expect(renderMidiFile(path.join(dir, 'gone.mid'), path.join(dir, 'x.wav'))).rejects.toThrow(
      /gone\.mid: cannot read it \(ENOENT\)/,
    );
    const silent = makeMidi([{ name: 'silence', notes: [] }]);
    await expect(renderMidi(silent, 'silence.mid')).rejects.toThrow(/silence\.mid: no notes/);
    const fake = path.join(dir, 'fake.sf2');
    fs.writeFileSync(fake, 'RIFF....nope');
    const one = makeMidi([{ name: 'Piano', notes: [[60, 0, Q]] }]);
    await expect(renderMidi(one, 'one.mid', { soundfont: fake })).rejects.toThrow(
      /fake\.sf2: is not a SoundFont \(\.sf2\/\.sf3\)/,
    );
    await expect(renderMidi(one, 'one.mid', { soundfont: path.join(dir, 'none.sf3') })).rejects.toThrow(
      /none\.sf3: cannot read the soundfont \(ENOENT\)/,
    );
    await expect(renderMidi(one, 'one.mid', { sampleRate: 100 })).rejects.toThrow(/--sample-rate: must be/);
    expect(fs.existsSync(path.join(dir, 'x.wav'))).toBe(false);
  });

  it('writes 16-bit PCM that reads back sample for sample', () => {
    const l = Float32Array.from([0, 0.5, -0.5, 1, -1, 2]);
    const r = Float32Array.from([0.25, -0.25, 0, 0, 0, -2]);
    const wav = encodeWav16([l, r], 8000);
    const h = readWavHeader(wav);
    expect(h).toMatchObject({ format: 1, channels: 2, sampleRate: 8000, frames: 6, dataOffset: 44, dataBytes: 24 });
    const pcm = new Int16Array(wav.buffer.slice(44));
    expect(Array.from(pcm)).toEqual([0, 8192, 16384, -8192, -16384, 0, 32767, 0, -32768, 0, 32767, -32768]);
  });
});

describe('clara generate --solo and clara render, and the studio renderSample', () => {
  it('generates a cello continuation, renders it with the CLI and through the studio method', async () => {
    const prompt = path.join(dir, 'cello.mid');
    const cello = [43, 47, 50, 55, 53, 52, 50, 48];
    fs.writeFileSync(
      prompt,
      makeMidi([
        { name: 'Piano', program: 0, notes: cello.map((p, i) => [p + 24, i * Q, Q] as [number, number, number]) },
        {
          name: 'Cello',
          program: 42,
          channel: 1,
          notes: cello.map((p, i) => [p, i * Q, Q] as [number, number, number]),
        },
      ]),
    );
    const gen = clara(['generate', '--prompt', prompt, '--include-prompt', '--length', '6s', '-n', '1', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const [sample] = (JSON.parse(gen.stdout) as { samples: Array<{ id: number; file: string; solo: string | null }> })
      .samples;
    expect(sample!.solo).toBe('cello');
    const written = readMidi(fs.readFileSync(sample!.file), { pedal: false });
    expect(written.tracks.map((t) => [t.name, t.program])).toEqual([
      ['Piano', 0],
      ['Cello', 42],
    ]);

    const wav = path.join(dir, 'out', 'cello.wav');
    const r = clara(['render', sample!.file, '-o', wav, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { seconds: number; midiSeconds: number; sampleRate: number };
    expect(info.sampleRate).toBe(44_100);
    checkWav(fs.readFileSync(wav), info.midiSeconds, 44_100);
    expect(info.midiSeconds).toBeCloseTo(written.durationSeconds, 0);

    // Bad input: one line naming the file.
    const bad = clara(['render', path.join(dir, 'missing.mid')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toEqual([`clara: ${path.join(dir, 'missing.mid')}: cannot read it (ENOENT)`]);
    const soloBad = clara(['generate', '--solo', 'kazoo', '-n', '1']);
    expect(soloBad.stderr).toMatch(/unknown solo instrument "kazoo"/);

    // The studio renders the same file (and a loop region of it) into the data folder's exports/.
    const catalog = Catalog.open(path.join(dir, 'home'));
    const service = new StudioService(catalog, path.join(dir, 'home'));
    try {
      const call = (m: ApiMethod, p: unknown) => {
        const v = validateCall(m, p);
        return service.call(v.method, v.input) as Promise<{
          name: string;
          file: string;
          seconds: number;
          dataBase64: string;
        }>;
      };
      const whole = await call('renderSample', { id: sample!.id, sampleRate: 22_050 });
      expect(path.dirname(whole.file)).toBe(path.join(dir, 'home', 'exports'));
      expect(whole.name).toMatch(/\.wav$/);
      const bytes = Buffer.from(whole.dataBase64, 'base64');
      expect(bytes.equals(fs.readFileSync(whole.file))).toBe(true);
      checkWav(bytes, info.midiSeconds, 22_050);
      const loop = await call('renderSample', { id: sample!.id, fromS: 0.5, toS: 2.5, sampleRate: 22_050 });
      expect(loop.name).toMatch(/-0\.5-2\.5s\.wav$/);
      expect(loop.seconds).toBeGreaterThan(2 + RELEASE_TAIL_S - 0.2);
      expect(loop.seconds).toBeLessThan(2 + RELEASE_TAIL_S + 0.5);
      expect(wavRms(Buffer.from(loop.dataBase64, 'base64'))).toBeGreaterThan(0.01);
      expect(() => validateCall('renderSample', { id: sample!.id, sampleRate: 5 })).toThrow(
        expect.objectContaining({ code: 'bad-payload' }),
      );
    } finally {
      service.jobs.shutdown();
      catalog.close();
    }
  }, 300_000);
});
