import type { TickNote } from './types';

type PartNote = Pick<TickNote, 'pitch' | 'start' | 'end' | 'voice'>;

/** The practical range of an instrument, as sounding MIDI notes (shared/instruments.ts). */
export interface NoteRange {
  low: number;
  high: number;
}

/**
 * Moves the solo (`v`) part into an instrument's range by whole octaves; the piano part is left as
 * it is. Clara folds every solo instrument into violin range for training (encoding/range.ts), so a
 * generated `v` part sits where a violin plays; a cello or a bassoon takes it down again. The whole
 * part moves by the octave shift that keeps the most notes in range (the smallest shift on a tie), so
 * the line keeps its shape; a note still outside is then folded in by octaves on its own. Folding can
 * land a note on a key the part already sounds: as in canonical notes, a new onset ends the earlier
 * note there, and two onsets at one tick become one.
 */
export function placeSoloPart<T extends PartNote>(notes: readonly T[], range: NoteRange): T[] {
  if (!(range.high - range.low >= 11)) throw new Error(`a solo range must span an octave (${range.low}-${range.high})`);
  const solo = notes.filter((n) => n.voice === 'v');
  if (solo.length === 0) return [...notes];
  let best = 0;
  let bestIn = -1;
  for (const shift of [0, 12, -12, 24, -24, 36, -36, 48, -48, 60, -60]) {
    let inRange = 0;
    for (const n of solo) if (n.pitch + shift >= range.low && n.pitch + shift <= range.high) inRange++;
    if (inRange > bestIn) [best, bestIn] = [shift, inRange];
  }
  const moved = solo.map((n) => {
    let p = n.pitch + best;
    while (p < range.low) p += 12;
    while (p > range.high) p -= 12;
    return { ...n, pitch: p };
  });
  // One sounding note per key: sorted by onset, a note that starts while its key still sounds ends the earlier one.
  moved.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
  const kept: T[] = [];
  const sounding = new Map<number, T>();
  for (const n of moved) {
    const prev = sounding.get(n.pitch);
    if (prev && n.start < prev.end) {
      if (n.start === prev.start) {
        prev.end = Math.max(prev.end, n.end);
        continue;
      }
      prev.end = n.start;
    }
    sounding.set(n.pitch, n);
    kept.push(n);
  }
  return [...notes.filter((n) => n.voice !== 'v'), ...kept];
}
