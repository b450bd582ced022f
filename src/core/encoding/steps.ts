import type { TickNote, Voice } from '../midi/types';
import type { EncodingOptions } from './options';
import { foldToKey } from './range';

/** A note on the encodings' grid: key index within the range, onset step and length in steps (≥ 1). */
export interface StepNote {
  voice: Voice;
  key: number;
  start: number;
  dur: number;
  velocity: number;
}

/**
 * Quantises notes to the step grid in ticks (PPQ), never in seconds: the tempo maps of expressive
 * files would smear the grid. A note shorter than a step still lasts one step.
 */
export function quantize(notes: readonly TickNote[], ppq: number, o: EncodingOptions): StepNote[] {
  const ticksPerStep = ppq / o.sampleFreq;
  const out: StepNote[] = new Array(notes.length);
  for (let i = 0; i < notes.length; i++) {
    const n = notes[i]!;
    const start = Math.round(n.start / ticksPerStep);
    const end = Math.round(n.end / ticksPerStep);
    out[i] = {
      voice: n.voice,
      key: foldToKey(n.pitch, n.voice, o),
      start,
      dur: Math.max(1, end - start),
      velocity: n.velocity,
    };
  }
  return canonicalize(out);
}

/**
 * One key of one voice sounds at most once at a time, as on a real keyboard: a key struck again
 * while it still sounds (often after octave folding or pedal extension) ends the earlier note, and
 * two onsets on the same step merge into the longer note. This is exactly the information that the
 * notewise encoding keeps, so decode(encode(x)) equals canonicalize(x).
 */
export function canonicalize(notes: StepNote[]): StepNote[] {
  const sorted = notes
    .slice()
    .sort((a, b) => (a.voice === b.voice ? 0 : a.voice === 'v' ? -1 : 1) || a.key - b.key || a.start - b.start);
  const out: StepNote[] = [];
  for (const n of sorted) {
    const prev = out.at(-1);
    if (prev && prev.voice === n.voice && prev.key === n.key && n.start < prev.start + prev.dur) {
      if (n.start === prev.start) {
        prev.dur = Math.max(prev.dur, n.dur);
        prev.velocity = Math.max(prev.velocity, n.velocity);
        continue;
      }
      prev.dur = n.start - prev.start;
    }
    out.push({ ...n });
  }
  return out.sort(byOnset);
}

export function byOnset(a: StepNote, b: StepNote): number {
  return a.start - b.start || (a.voice === b.voice ? 0 : a.voice === 'v' ? -1 : 1) || a.key - b.key;
}

export interface KeyExtent {
  p: [number, number] | null;
  v: [number, number] | null;
}

export function keyExtent(notes: readonly StepNote[]): KeyExtent {
  const ext: KeyExtent = { p: null, v: null };
  for (const n of notes) {
    const e = ext[n.voice];
    if (!e) ext[n.voice] = [n.key, n.key];
    else {
      if (n.key < e[0]) e[0] = n.key;
      if (n.key > e[1]) e[1] = n.key;
    }
  }
  return ext;
}
