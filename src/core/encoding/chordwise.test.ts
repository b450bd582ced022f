import { describe, expect, it } from 'vitest';
import { decodeChordwise, encodeChordwise } from './chordwise';
import { resolveEncodingOptions } from './options';
import type { StepNote } from './steps';

const o = resolveEncodingOptions({ sampleFreq: 4 });
const n = (key: number, start: number, dur = 1, voice: 'p' | 'v' = 'p'): StepNote => ({
  voice,
  key,
  start,
  dur,
  velocity: 80,
});
const chord = (...keys: number[]): string => {
  const bits = Array<string>(62).fill('0');
  for (const k of keys) bits[k] = '1';
  return bits.join('');
};

describe('chordwise encoding', () => {
  it('writes one word per time step, with the struck keys of that step', () => {
    const w = encodeChordwise([n(0, 0, 4), n(4, 0), n(7, 0), n(2, 1)], o);
    expect(w).toEqual([`p${chord(0, 4, 7)}`, `p${chord(2)}`]);
  });

  it('re-encodes rests as the number of notes struck in the previous 10 steps', () => {
    const notes = [n(0, 0), n(4, 0), n(7, 0), n(2, 5), n(9, 14)];
    const w = encodeChordwise(notes, o);
    expect(w).toHaveLength(15);
    // steps 1–4 see the triad at step 0; 6–10 also see step 5; at 11 step 0 has left the window.
    expect(w.slice(1, 5)).toEqual(['r3', 'r3', 'r3', 'r3']);
    expect(w.slice(6, 11)).toEqual(['r4', 'r4', 'r4', 'r4', 'r4']);
    expect(w.slice(11, 14)).toEqual(['r1', 'r1', 'r1']);
    expect(w[14]).toBe(`p${chord(9)}`);
  });

  it('caps the rest count at 51', () => {
    const dense = Array.from({ length: 60 }, (_, k) => n(k, 0));
    expect(encodeChordwise([...dense, n(0, 2)], o)[1]).toBe('r51');
  });

  it('gives chamber pieces a solo part first in every word', () => {
    const w = encodeChordwise([n(30, 0, 1, 'v'), n(3, 1)], o);
    expect(w).toEqual([`v${chord(30)}p${chord()}`, `v${chord()}p${chord(3)}`]);
  });

  it('decodes pitch and onset exactly; a note lasts until the next onset', () => {
    const notes = [n(0, 0), n(4, 0), n(30, 3, 1, 'v'), n(9, 14)];
    const back = decodeChordwise(encodeChordwise(notes, o), o);
    expect(back.skipped).toBe(0);
    expect(back.notes.map((x) => [x.voice, x.key, x.start, x.dur])).toEqual([
      ['p', 0, 0, 3],
      ['p', 4, 0, 3],
      ['v', 30, 3, 11],
      ['p', 9, 14, 4],
    ]);
  });
});

describe('chordwise dynamics', () => {
  it('plays every note at the velocity it is given (the corpus median), the default otherwise', () => {
    const o = resolveEncodingOptions({ sampleFreq: 4 });
    const words = encodeChordwise([n(10, 0, 2), n(14, 0, 1), n(20, 2, 1)], o, false);
    expect(decodeChordwise(words, o, 64).notes.map((x) => x.velocity)).toEqual([64, 64, 64]);
    expect(decodeChordwise(words, o).notes.every((x) => x.velocity === 80)).toBe(true);
  });
});
