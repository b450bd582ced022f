import type { EncodingName } from '../../shared/rows';
import { ClaraError } from '../errors';

// Named in the contract too (runs and pieces carry it): defined once, in shared/rows.ts.
export type { EncodingName };
export const ENCODINGS: readonly EncodingName[] = ['notewise', 'chordwise'];

export interface EncodingOptions {
  /** Time steps per quarter note: 12 keeps triplets and 16ths exact, 4 sees further. */
  sampleFreq: number;
  /** Lowest MIDI pitch of the note range (33 = A1). */
  rangeLow: number;
  /** Number of keys in the range (62 covers MIDI 33–94). */
  rangeSize: number;
  /** Lowest key index, within the range, that a solo (`v`) note may take (22 = MIDI 55, G3: the violin's open G). */
  soloLow: number;
  /**
   * Notewise dynamics: velocity bins written as `dN` words (0: none, every note at one velocity, as
   * checkpoints made before dynamics). Chordwise has no dynamics words: its notes take the median
   * velocity of the corpus (see chordwise.ts).
   */
  velocityBins: number;
}

export const DEFAULT_ENCODING_OPTIONS: Readonly<EncodingOptions> = Object.freeze({
  sampleFreq: 12,
  rangeLow: 33,
  rangeSize: 62,
  soloLow: 22,
  velocityBins: 16,
});

/** Options saved before velocity words existed had none: they read as velocityBins 0. */
export function withSavedDefaults(
  saved: Omit<EncodingOptions, 'velocityBins'> & { velocityBins?: number },
): EncodingOptions {
  return { ...saved, velocityBins: saved.velocityBins ?? 0 };
}

/** The 12 transpositions of the data augmentation, one per key: −6..+5 semitones. */
export const ALL_SHIFTS: readonly number[] = [-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];

export function resolveEncodingOptions(partial: Partial<EncodingOptions> = {}): EncodingOptions {
  const o = { ...DEFAULT_ENCODING_OPTIONS, ...partial };
  const int = (v: number, name: string, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new ClaraError(`must be an integer from ${min} to ${max}, got ${v}`, 'bad-option', name);
    }
  };
  int(o.sampleFreq, 'sampleFreq', 1, 96);
  int(o.rangeSize, 'rangeSize', 12, 128);
  int(o.rangeLow, 'rangeLow', 0, 128 - o.rangeSize);
  int(o.soloLow, 'soloLow', 0, o.rangeSize - 12);
  int(o.velocityBins, 'velocityBins', 0, 32);
  if (o.velocityBins === 1)
    throw new ClaraError('must be 0 (no dynamics) or from 2 to 32', 'bad-option', 'velocityBins');
  return o;
}

/** Longest rest one notewise `wait` word stands for: two quarter notes. */
export function maxWait(o: EncodingOptions): number {
  return 2 * o.sampleFreq;
}

export function parseEncodingName(s: string): EncodingName {
  if (s === 'notewise' || s === 'chordwise') return s;
  throw new ClaraError(`unknown encoding "${s}" (expected notewise or chordwise)`, 'bad-option', 'encoding');
}
