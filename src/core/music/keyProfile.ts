import type { MusicNote } from './notes';

/** Krumhansl & Kessler (1982) probe-tone ratings, tonic first. */
export const KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88] as const;
export const KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17] as const;

export type Mode = 'major' | 'minor';

export interface Key {
  tonic: number;
  mode: Mode;
}

const NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

export function keyName(k: Key): string {
  return `${NAMES[k.tonic]} ${k.mode}`;
}

/** Share of note-time per pitch class (0 = C), each note weighted by its length in beats. */
export function durationPitchClasses(notes: readonly MusicNote[]): number[] {
  const h = new Array<number>(12).fill(0);
  for (const n of notes) h[((n.pitch % 12) + 12) % 12]! += Math.max(0, n.end - n.start);
  const total = h.reduce((a, b) => a + b, 0);
  return total > 0 ? h.map((x) => x / total) : h;
}

/** Share of notes per pitch class (0 = C), each note counted once. */
export function pitchClassHistogram(notes: readonly MusicNote[]): number[] {
  const h = new Array<number>(12).fill(0);
  for (const n of notes) h[((n.pitch % 12) + 12) % 12]!++;
  return notes.length > 0 ? h.map((x) => x / notes.length) : h;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/**
 * The key whose Krumhansl–Kessler profile correlates best with the duration-weighted pitch-class
 * histogram (the Krumhansl–Schmuckler algorithm); null when there are no notes.
 */
export function estimateKey(notes: readonly MusicNote[]): (Key & { r: number }) | null {
  const h = durationPitchClasses(notes);
  if (h.every((x) => x === 0)) return null;
  let best: Key & { r: number } = { tonic: 0, mode: 'major', r: -2 };
  for (const mode of ['major', 'minor'] as const) {
    const profile = mode === 'major' ? KK_MAJOR : KK_MINOR;
    for (let tonic = 0; tonic < 12; tonic++) {
      const rotated = Array.from({ length: 12 }, (_, pc) => profile[(pc - tonic + 12) % 12]!);
      const r = pearson(h, rotated);
      if (r > best.r) best = { tonic, mode, r };
    }
  }
  return best;
}

export type KeyRelation = 'same' | 'relative' | 'dominant' | 'subdominant' | 'parallel' | 'other';

/** How key `b` relates to key `a`: the same, or one of the closely related keys, or other. */
export function keyRelation(a: Key, b: Key): KeyRelation {
  if (a.tonic === b.tonic && a.mode === b.mode) return 'same';
  if (a.tonic === b.tonic) return 'parallel';
  if (a.mode !== b.mode) {
    const relative = a.mode === 'major' ? (a.tonic + 9) % 12 : (a.tonic + 3) % 12;
    return b.tonic === relative ? 'relative' : 'other';
  }
  if (b.tonic === (a.tonic + 7) % 12) return 'dominant';
  if (b.tonic === (a.tonic + 5) % 12) return 'subdominant';
  return 'other';
}

export function isSameOrRelated(a: Key, b: Key): boolean {
  return keyRelation(a, b) !== 'other';
}

/**
 * Share of `windowBeats`-long windows (4 bars) whose own key is the piece's global key; windows
 * without notes are left out. Null when no window has notes.
 */
export function keyStability(notes: readonly MusicNote[], windowBeats: number): number | null {
  const global = estimateKey(notes);
  if (!global) return null;
  const last = notes.reduce((m, n) => Math.max(m, n.start), 0);
  let counted = 0;
  let same = 0;
  for (let from = 0; from <= last; from += windowBeats) {
    const to = from + windowBeats;
    // Notes that sound in the window, cut to it, so a long note weighs only what it sounds there.
    const inside = notes
      .filter((n) => n.start < to && n.end > from)
      .map((n) => ({ ...n, start: Math.max(n.start, from), end: Math.min(n.end, to) }));
    const k = estimateKey(inside);
    if (!k) continue;
    counted++;
    if (k.tonic === global.tonic && k.mode === global.mode) same++;
  }
  return counted > 0 ? same / counted : null;
}
