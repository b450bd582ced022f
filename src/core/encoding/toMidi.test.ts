import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOLO_INSTRUMENTS, soloById } from '../../shared/instruments';
import { readTracksWithMido } from '../../testing/mido';
import { DEFAULT_ENCODING_OPTIONS } from './options';
import { writeMidi } from './toMidi';
import type { StepNote } from './steps';
import { mulberry32 } from '../train/rng';
import { readMidi } from '../midi/read';
import { sliceMidi } from '../midi/slice';
import { placeSoloPart } from '../midi/soloRange';
import type { TickNote } from '../midi/types';

type Note = Pick<TickNote, 'pitch' | 'start' | 'end' | 'voice'>;

/** A solo part where Clara's encoding leaves every solo part (violin range, MIDI 55-94), with chords and octaves, over a piano part. */
function piece(seed: number): Note[] {
  const rand = mulberry32(seed);
  const notes: Note[] = [];
  for (let i = 0; i < 200; i++) {
    const start = i * 120;
    const pitch = 55 + Math.floor(rand() * 40);
    notes.push({ pitch, start, end: start + 60 + Math.floor(rand() * 400), voice: 'v' });
    if (rand() < 0.2 && pitch + 12 <= 94) notes.push({ pitch: pitch + 12, start, end: start + 100, voice: 'v' });
    notes.push({ pitch: 21 + Math.floor(rand() * 88), start, end: start + 240, voice: 'p' });
  }
  return notes;
}

/** No key of the solo part sounds twice at once. */
function overlaps(notes: readonly Note[]): number {
  const byPitch = new Map<number, Note[]>();
  for (const n of notes) if (n.voice === 'v') byPitch.set(n.pitch, [...(byPitch.get(n.pitch) ?? []), n]);
  let bad = 0;
  for (const list of byPitch.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) if (list[i]!.start < list[i - 1]!.end) bad++;
  }
  return bad;
}

describe('placeSoloPart: the solo part in its instrument range', () => {
  it.each(SOLO_INSTRUMENTS.map((i) => [i.id, i] as const))(
    '%s: every solo note inside its range, moved by octaves only; the piano untouched',
    (_id, inst) => {
      for (const seed of [1, 2, 3]) {
        const notes = piece(seed);
        const placed = placeSoloPart(notes, inst);
        const solo = placed.filter((n) => n.voice === 'v');
        const before = notes.filter((n) => n.voice === 'v');
        expect(solo.length).toBeGreaterThan(0.9 * before.length);
        for (const n of solo) {
          expect(n.pitch).toBeGreaterThanOrEqual(inst.low);
          expect(n.pitch).toBeLessThanOrEqual(inst.high);
          // Some note of the part started then, in the same pitch class.
          expect(before.some((b) => b.start === n.start && (b.pitch - n.pitch) % 12 === 0)).toBe(true);
        }
        expect(overlaps(placed)).toBe(0);
        expect(placed.filter((n) => n.voice === 'p')).toEqual(notes.filter((n) => n.voice === 'p'));
      }
    },
  );

  it('moves a line that fits by one whole shift as a whole, keeping its intervals', () => {
    const line = [62, 64, 66, 67, 69, 71, 73, 74, 79].map((pitch, i) => ({
      pitch,
      start: i * 10,
      end: i * 10 + 10,
      voice: 'v' as const,
    }));
    // A cello and a double bass take it down an octave, a tuba two, all of it at once; a violin plays it as it is.
    expect(placeSoloPart(line, soloById('cello')).map((n) => n.pitch)).toEqual(line.map((n) => n.pitch - 12));
    expect(placeSoloPart(line, soloById('double-bass')).map((n) => n.pitch)).toEqual(line.map((n) => n.pitch - 12));
    expect(placeSoloPart(line, soloById('tuba')).map((n) => n.pitch)).toEqual(line.map((n) => n.pitch - 24));
    expect(placeSoloPart(line, soloById('violin')).map((n) => n.pitch)).toEqual(line.map((n) => n.pitch));
  });

  it('merges two onsets that fold onto one key, and ends a held note when its key is struck again', () => {
    // Best whole shift: an octave down (three of four in range); 84 → 72 then folds onto 60 at the same onset.
    const placed = placeSoloPart(
      [
        { pitch: 60, start: 0, end: 100, voice: 'v' as const },
        { pitch: 72, start: 0, end: 200, voice: 'v' as const },
        { pitch: 84, start: 0, end: 50, voice: 'v' as const },
        { pitch: 72, start: 150, end: 300, voice: 'v' as const },
      ],
      { low: 48, high: 67 },
    );
    expect(placed.map(({ pitch, start, end }) => ({ pitch, start, end }))).toEqual([
      { pitch: 48, start: 0, end: 100 },
      { pitch: 60, start: 0, end: 150 },
      { pitch: 60, start: 150, end: 300 },
    ]);
    expect(overlaps(placed)).toBe(0);
  });

  it('leaves a piece without a solo part as it is', () => {
    const notes = piece(4).filter((n) => n.voice === 'p');
    expect(placeSoloPart(notes, soloById('tuba'))).toEqual(notes);
  });
});

describe('instrument names, programs and tempo in written files', () => {
  const o = DEFAULT_ENCODING_OPTIONS;
  // Solo keys 22+ (G3 and up): what decoding a model's `v` words gives.
  const steps: StepNote[] = [
    { key: 10, start: 0, dur: 12, velocity: 70, voice: 'p' },
    { key: 29, start: 0, dur: 12, velocity: 70, voice: 'p' },
    { key: 34, start: 0, dur: 24, velocity: 80, voice: 'v' },
    { key: 41, start: 24, dur: 12, velocity: 80, voice: 'v' },
    { key: 58, start: 36, dur: 12, velocity: 80, voice: 'v' },
  ];

  it('writes the solo part for a cello: in range, on a track named "Cello" with program 42; the piano as "Piano"', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-solo-'));
    try {
      const bytes = writeMidi(steps, o, { tempo: 84, solo: soloById('cello') });
      const back = readMidi(bytes, { pedal: false });
      const piano = back.tracks.find((t) => t.role === 'piano')!;
      const solo = back.tracks.find((t) => t.role === 'solo')!;
      expect([piano.name, piano.program]).toEqual(['Piano', 0]);
      expect([solo.name, solo.program]).toEqual(['Cello', 42]);
      expect(back.tempos[0]!.bpm).toBeCloseTo(84, 3);
      const soloPitches = back.notes.filter((n) => n.voice === 'v').map((n) => n.pitch);
      expect(soloPitches.every((p) => p >= 36 && p <= 76)).toBe(true);
      // The piano's pitches are the decoded keys, unmoved.
      expect(back.notes.filter((n) => n.voice === 'p').map((n) => n.pitch)).toEqual([43, 62]);

      const file = path.join(tmp, 'cello.mid');
      fs.writeFileSync(file, bytes);
      const mido = readTracksWithMido(file);
      if (mido) {
        expect(mido[0]!.tempos).toEqual([84]);
        expect(mido.slice(1).map((t) => [t.name, t.programs])).toEqual([
          ['Piano', [0]],
          ['Cello', [42]],
        ]);
        expect(mido[2]!.notes.every((p) => p >= 36 && p <= 76)).toBe(true);
      }

      // A loop region cut from it keeps the tempo, the names and the program.
      const cut = sliceMidi(bytes, 0.1, 1.5);
      const cutFile = path.join(tmp, 'cut.mid');
      fs.writeFileSync(cutFile, cut);
      const region = readMidi(cut, { pedal: false });
      expect(region.tracks.map((t) => [t.name, t.program, t.role])).toEqual([
        ['Piano', 0, 'piano'],
        ['Cello', 42, 'solo'],
      ]);
      expect(region.tempos[0]!.bpm).toBeCloseTo(84, 3);
      const midoCut = readTracksWithMido(cutFile);
      if (midoCut) {
        expect(midoCut[0]!.tempos).toEqual([84]);
        expect(midoCut.slice(1).map((t) => [t.name, t.programs])).toEqual([
          ['Piano', [0]],
          ['Cello', [42]],
        ]);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('names the solo track after its program when only a program is given, and a piano-only file has just the piano', () => {
    const flute = readMidi(writeMidi(steps, o, { soloProgram: 73 }), { pedal: false });
    expect(flute.tracks.map((t) => [t.name, t.program])).toEqual([
      ['Piano', 0],
      ['Flute', 73],
    ]);
    const plain = readMidi(writeMidi(steps, o), { pedal: false });
    expect(plain.tracks.find((t) => t.role === 'solo')!.name).toBe('Violin');
    const pianoOnly = readMidi(
      writeMidi(
        steps.filter((n) => n.voice === 'p'),
        o,
      ),
      { pedal: false },
    );
    expect(pianoOnly.tracks.map((t) => t.name)).toEqual(['Piano']);
  });
});
