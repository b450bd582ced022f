import { secondsAt, stepOf, STEPS_PER_BEAT, type MusicNote, type MusicPiece } from './notes';

/** A note this long (beats) that lasts to the piece's last step is "hanging": its end was never written. */
export const HANGING_MIN_BEATS = 8;
export const LONG_NOTE_BEATS = 4;

/**
 * Notes of 8+ beats still sounding at the very last step (within one step of the latest note end).
 * In generated notewise music these are notes the model never ended, closed only when the sample stopped.
 */
export function hangingNotes(notes: readonly MusicNote[]): number {
  if (notes.length === 0) return 0;
  const last = notes.reduce((m, n) => Math.max(m, n.end), 0);
  const tol = 1 / STEPS_PER_BEAT;
  return notes.filter((n) => n.end - n.start >= HANGING_MIN_BEATS && n.end >= last - tol).length;
}

/** Share of all note-time (sum of lengths) in notes of 4+ beats; 0 for no notes. */
export function longNoteShare(notes: readonly MusicNote[]): number {
  let all = 0;
  let long = 0;
  for (const n of notes) {
    const d = n.end - n.start;
    all += d;
    if (d >= LONG_NOTE_BEATS) long += d;
  }
  return all > 0 ? long / all : 0;
}

/** Seconds of silence before the first note (the whole length for a piece with no notes: null). */
export function openingSilenceSeconds(piece: MusicPiece): number | null {
  if (piece.notes.length === 0) return null;
  const first = piece.notes.reduce((m, n) => Math.min(m, n.start), Number.POSITIVE_INFINITY);
  return secondsAt(piece.tempos, first);
}

export interface VelocityStats {
  distinct: number;
  /** Population standard deviation of the notes' velocities. */
  std: number;
  mean: number;
}

export function velocityStats(notes: readonly MusicNote[]): VelocityStats {
  if (notes.length === 0) return { distinct: 0, std: 0, mean: 0 };
  const v = notes.map((n) => n.velocity);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { distinct: new Set(v).size, std: Math.sqrt(variance), mean };
}

/** Highest minus lowest pitch, in semitones. */
export function pitchRange(notes: readonly MusicNote[]): number {
  if (notes.length === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const n of notes) {
    lo = Math.min(lo, n.pitch);
    hi = Math.max(hi, n.pitch);
  }
  return hi - lo;
}

/** Note lengths in beats. */
export function noteLengths(notes: readonly MusicNote[]): number[] {
  return notes.map((n) => n.end - n.start);
}

/** Onset steps (1/12 beat) in order, each with how many notes start there. */
export function onsets(notes: readonly MusicNote[]): Array<{ step: number; count: number }> {
  const by = new Map<number, number>();
  for (const n of notes) {
    const s = stepOf(n.start);
    by.set(s, (by.get(s) ?? 0) + 1);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([step, count]) => ({ step, count }));
}

/** Beats between consecutive onsets (notes starting on the same step make one onset). */
export function interOnsetIntervals(notes: readonly MusicNote[]): number[] {
  const o = onsets(notes);
  const out: number[] = [];
  for (let i = 1; i < o.length; i++) out.push((o[i]!.step - o[i - 1]!.step) / STEPS_PER_BEAT);
  return out;
}

/** How many notes start on each onset step. */
export function notesPerOnset(notes: readonly MusicNote[]): number[] {
  return onsets(notes).map((o) => o.count);
}

/**
 * Notes sounding at each onset step, each note's length capped at `capBeats` (a bar), so a few
 * hanging notes do not count as texture for the rest of the piece.
 */
export function polyphony(notes: readonly MusicNote[], capBeats: number): number[] {
  const o = onsets(notes);
  const spans = notes
    .map((n) => ({
      s: stepOf(n.start),
      e: Math.max(stepOf(n.start) + 1, Math.min(stepOf(n.end), stepOf(n.start + capBeats))),
    }))
    .sort((a, b) => a.s - b.s);
  // Sweep: notes started so far, minus those whose end has passed.
  const ends: number[] = [];
  const out: number[] = [];
  let next = 0;
  for (const { step } of o) {
    while (next < spans.length && spans[next]!.s <= step) ends.push(spans[next++]!.e);
    let sounding = 0;
    for (const e of ends) if (e > step) sounding++;
    out.push(sounding);
    if (ends.length > 256) ends.splice(0, ends.length, ...ends.filter((e) => e > step));
  }
  return out;
}
