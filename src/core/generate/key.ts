import { ClaraError } from '../errors';
import type { EncodingOptions } from '../encoding/options';
import { keyToPitch } from '../encoding/range';
import type { StepNote } from '../encoding/steps';
import { estimateKey, keyName, type Key } from '../music/keyProfile';

const TONICS: Record<string, number> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** "D minor", "F# major", "Bb", "eb minor", "C#m" → a key; a bare tonic is major. */
export function parseKey(s: string, field = '--key'): Key {
  const m = /^\s*([a-gA-G])\s*(#|♯|b|♭)?\s*(major|minor|maj|min|m)?\s*$/.exec(s);
  if (!m) throw new ClaraError(`"${s}" is not a key (e.g. "D minor", "F# major", "Bb")`, 'bad-option', field);
  const accidental = m[2] === '#' || m[2] === '♯' ? 1 : m[2] === 'b' || m[2] === '♭' ? -1 : 0;
  const mode = m[3] && /^m(in(or)?)?$/i.test(m[3]) ? 'minor' : 'major';
  return { tonic: (TONICS[m[1]!.toLowerCase()]! + accidental + 12) % 12, mode };
}

export { keyName, type Key };

/** The key of some step notes (Krumhansl–Schmuckler on duration-weighted pitch classes). */
export function keyOfSteps(notes: readonly StepNote[], o: EncodingOptions): Key | null {
  const k = estimateKey(
    notes.map((n) => ({ pitch: keyToPitch(n.key, o), start: n.start, end: n.start + n.dur, velocity: n.velocity })),
  );
  return k && { tonic: k.tonic, mode: k.mode };
}

/**
 * The transposition (−6..+5 semitones, the augmentation's range) that takes music in `from` to
 * `to`: tonic to tonic when the modes agree, else onto the relative key of `to` (C major asked to
 * be D minor becomes F major, whose notes are D minor's).
 */
export function shiftBetween(from: Key, to: Key): number {
  const target = from.mode === to.mode ? to.tonic : to.mode === 'minor' ? (to.tonic + 3) % 12 : (to.tonic + 9) % 12;
  const d = (((target - from.tonic) % 12) + 12) % 12;
  return d > 5 ? d - 12 : d;
}

const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];
// Natural minor: with the leading tone allowed, models lean on the major dominant chord and the
// music reads as the dominant's key (D minor asked, A major heard).
const NATURAL_MINOR = [0, 2, 3, 5, 7, 8, 10];

/** Pitch classes of a key's scale. */
export function scalePitchClasses(k: Key): Set<number> {
  return new Set((k.mode === 'major' ? MAJOR_SCALE : NATURAL_MINOR).map((d) => (k.tonic + d) % 12));
}

/** Pitch classes of the tonic triad. */
export function tonicTriad(k: Key): Set<number> {
  return new Set([0, k.mode === 'major' ? 4 : 3, 7].map((d) => (k.tonic + d) % 12));
}

/** The key signature of a key: sharps (negative: flats), the usual spelling (F# major, Eb minor…). */
export function keySignatureOf(k: Key): { sharps: number; minor: boolean } {
  const major = k.mode === 'major' ? k.tonic : (k.tonic + 3) % 12;
  // Circle of fifths from C; six flats (Gb) rather than six sharps, as most editions spell it.
  const sharps = (major * 7) % 12;
  return { sharps: sharps > 5 ? sharps - 12 : sharps, minor: k.mode === 'minor' };
}
