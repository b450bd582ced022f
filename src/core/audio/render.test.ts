import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SoundBankLoader } from 'spessasynth_core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOLO_INSTRUMENTS } from '../../shared/instruments';
import { repo, sharedCorpora } from '../../testing/corpora';
import { makeMidi, Q } from '../../testing/makeMidi';
import { checkWav } from '../../testing/wavCheck';
import { bundledSoundfont } from '../corpus/demo';
import { readMidi } from '../midi/read';
import { renderMidi, renderMidiFile } from './render';
import { encodeWav16, readWavHeader } from '../../shared/wav';

let dir: string;

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
