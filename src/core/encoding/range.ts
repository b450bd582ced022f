import type { Voice } from '../midi/types';
import type { EncodingOptions } from './options';

/**
 * Moves a pitch by octaves into the note range and returns its key index (0 = rangeLow). Solo notes
 * are also raised by octaves above `soloLow`, which puts any solo instrument into violin range.
 */
export function foldToKey(pitch: number, voice: Voice, o: EncodingOptions): number {
  const high = o.rangeLow + o.rangeSize - 1;
  let p = pitch;
  while (p < o.rangeLow) p += 12;
  while (p > high) p -= 12;
  let key = p - o.rangeLow;
  if (voice === 'v') while (key < o.soloLow) key += 12;
  // soloLow ≤ rangeSize − 12 (checked with the options) keeps the raised note inside the range.
  return key;
}

export function keyToPitch(key: number, o: EncodingOptions): number {
  return o.rangeLow + key;
}
