import type { EncodingOptions } from '../encoding/options';
import type { StepNote } from '../encoding/steps';
import type { Voice } from '../midi/types';

/** Keys per register band: an octave. Bass notes ring longer than treble ones, and are held so. */
const BAND = 12;

/**
 * How long notes last in the music a model learnt from, per voice and register: from the `soft`
 * length on, the generator makes ending a note more and more likely; at the `hard` length (nearly
 * every note of the corpus is shorter) it ends it. Lengths in steps of `sampleFreq` per quarter.
 */
export interface NoteLimits {
  sampleFreq: number;
  quantiles: { soft: number; hard: number };
  /** Per band of 12 keys from the bottom of the range: [soft, hard] in steps. */
  p: Array<[number, number]>;
  v: Array<[number, number]>;
}

export const NOTE_LIMIT_QUANTILES = { soft: 0.9, hard: 0.995 };

/**
 * Measured on the train split of piano-midi.de (337 pieces, 693k notes) at 12 steps a quarter, in
 * quarters; the solo voice from the mutopia chamber set. For checkpoints saved before limits were
 * learnt with the model.
 */
const DEFAULT_BEATS: Record<Voice, Array<[number, number]>> = {
  p: [
    [2, 7.33],
    [2, 6],
    [1.5, 5],
    [1.5, 4.5],
    [1.5, 5.08],
    [2, 9],
  ],
  v: [
    [3, 8],
    [3, 8],
    [3, 8],
    [3, 8],
    [3, 8],
    [3, 8],
  ],
};

export function defaultNoteLimits(o: Pick<EncodingOptions, 'sampleFreq' | 'rangeSize'>): NoteLimits {
  const bands = Math.ceil(o.rangeSize / BAND);
  const scale = (rows: Array<[number, number]>): Array<[number, number]> =>
    Array.from({ length: bands }, (_, i) => {
      const [soft, hard] = rows[Math.min(i, rows.length - 1)]!;
      return [Math.max(1, Math.round(soft * o.sampleFreq)), Math.max(2, Math.round(hard * o.sampleFreq))];
    });
  return {
    sampleFreq: o.sampleFreq,
    quantiles: NOTE_LIMIT_QUANTILES,
    p: scale(DEFAULT_BEATS.p),
    v: scale(DEFAULT_BEATS.v),
  };
}

/**
 * Learns the limits from quantised pieces. A band with too few notes to trust takes its
 * neighbour's (or the default's) limits.
 */
export function learnNoteLimits(
  pieces: Iterable<readonly StepNote[]>,
  o: Pick<EncodingOptions, 'sampleFreq' | 'rangeSize'>,
): NoteLimits {
  const bands = Math.ceil(o.rangeSize / BAND);
  const lengths: Record<Voice, number[][]> = {
    p: Array.from({ length: bands }, () => []),
    v: Array.from({ length: bands }, () => []),
  };
  for (const notes of pieces)
    for (const n of notes) lengths[n.voice][Math.min(bands - 1, Math.floor(n.key / BAND))]!.push(n.dur);
  const fallback = defaultNoteLimits(o);
  const learn = (voice: Voice): Array<[number, number]> => {
    const rows = lengths[voice].map((v): [number, number] | null => {
      if (v.length < 200) return null;
      v.sort((a, b) => a - b);
      const q = (x: number): number => v[Math.min(v.length - 1, Math.floor(x * v.length))]!;
      const hard = Math.max(2, q(NOTE_LIMIT_QUANTILES.hard));
      return [Math.min(hard - 1, Math.max(1, q(NOTE_LIMIT_QUANTILES.soft))), hard];
    });
    return rows.map(
      (r, i) =>
        r ??
        rows
          .slice(0, i)
          .reverse()
          .find((x) => x) ??
        rows.slice(i + 1).find((x) => x) ??
        fallback[voice][i]!,
    );
  };
  return { sampleFreq: o.sampleFreq, quantiles: NOTE_LIMIT_QUANTILES, p: learn('p'), v: learn('v') };
}

/** The [soft, hard] length in steps for a note of this voice on this key. */
export function limitOf(l: NoteLimits, voice: Voice, key: number): [number, number] {
  const rows = l[voice];
  return rows[Math.max(0, Math.min(rows.length - 1, Math.floor(key / BAND)))]!;
}
