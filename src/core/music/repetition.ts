import { stepOf, type MusicNote } from './notes';

export const REPEAT_JACCARD = 0.8;

/** Jaccard similarity of two sets: |A ∩ B| / |A ∪ B| (1 for two empty sets). */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Cuts a piece into consecutive segments of `segmentBeats` (2 bars) from beat 0; each segment is the
 * set of (pitch, onset step within the segment) of the notes starting in it.
 */
export function pitchOnsetSegments(notes: readonly MusicNote[], segmentBeats: number): Array<Set<string>> {
  const segs: Array<Set<string>> = [];
  for (const n of notes) {
    const k = Math.floor(n.start / segmentBeats + 1e-9);
    while (segs.length <= k) segs.push(new Set());
    segs[k]!.add(`${n.pitch}@${stepOf(n.start - k * segmentBeats)}`);
  }
  return segs;
}

/**
 * Share of non-empty segments after the first non-empty one whose pitch-onset set has Jaccard ≥ 0.8
 * with some earlier non-empty segment: how much of the music comes back. Null with fewer than two.
 */
export function repetitionShare(
  notes: readonly MusicNote[],
  segmentBeats: number,
  threshold = REPEAT_JACCARD,
): number | null {
  const segs = pitchOnsetSegments(notes, segmentBeats).filter((s) => s.size > 0);
  if (segs.length < 2) return null;
  let back = 0;
  for (let i = 1; i < segs.length; i++) {
    for (let j = 0; j < i; j++) {
      if (jaccard(segs[i]!, segs[j]!) >= threshold) {
        back++;
        break;
      }
    }
  }
  return back / (segs.length - 1);
}
