import type { MusicNote } from './notes';

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
/** Harmonic minor, not natural: the natural minor scale has the same notes as its relative major. */
const HARMONIC_MINOR = [0, 2, 3, 5, 7, 8, 11];

/** The 24 scales: 12 major, then 12 harmonic minor, each as a 12-entry membership mask. */
export const SCALES: readonly boolean[][] = [MAJOR, HARMONIC_MINOR].flatMap((steps) =>
  Array.from({ length: 12 }, (_, tonic) => {
    const mask = new Array<boolean>(12).fill(false);
    for (const s of steps) mask[(tonic + s) % 12] = true;
    return mask;
  }),
);

/**
 * Scale consistency (Mogren 2016, C-RNN-GAN): the share of notes that belong to the best-fitting of
 * the 24 scales. Null for no notes.
 */
export function scaleConsistency(notes: readonly MusicNote[]): number | null {
  if (notes.length === 0) return null;
  const pc = new Array<number>(12).fill(0);
  for (const n of notes) pc[((n.pitch % 12) + 12) % 12]!++;
  let best = 0;
  for (const mask of SCALES)
    best = Math.max(
      best,
      pc.reduce((s, c, i) => s + (mask[i] ? c : 0), 0),
    );
  return best / notes.length;
}
