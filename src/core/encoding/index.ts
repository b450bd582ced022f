import type { TickNote } from '../midi/types';
import { codecFor } from './codec';
import type { DecodeReport } from './notewise';
import type { EncodingName, EncodingOptions } from './options';
import { quantize, type StepNote } from './steps';
import { transpose } from './transpose';

export * from './options';
export * from './steps';
export * from './transpose';
export { encodeNotewise, decodeNotewise, notewiseVocabulary, DEFAULT_VELOCITY, type DecodeReport } from './notewise';
export { encodeChordwise, decodeChordwise, REST_CAP, REST_LOOKBACK } from './chordwise';
export { foldToKey, keyToPitch } from './range';
export { codecFor, codecOf, notewiseCodec, chordwiseCodec, type Codec } from './codec';

export function encodeSteps(
  notes: readonly StepNote[],
  encoding: EncodingName,
  o: EncodingOptions,
  withSolo?: boolean,
): string[] {
  return codecFor(encoding, o).encode(notes, withSolo);
}

/** Words back to notes; `velocity` is what notes get when the text says nothing of dynamics. */
export function decodeWords(
  words: readonly string[],
  encoding: EncodingName,
  o: EncodingOptions,
  velocity?: number,
): DecodeReport {
  return codecFor(encoding, o).decode(words, velocity);
}

/** MIDI notes in ticks → words of one encoding, optionally transposed by `shift` semitones. */
export function encodePiece(
  piece: { notes: readonly TickNote[]; ppq: number },
  encoding: EncodingName,
  o: EncodingOptions,
  shift = 0,
): string[] {
  const steps = transpose(quantize(piece.notes, piece.ppq, o), shift, o);
  return encodeSteps(
    steps,
    encoding,
    o,
    piece.notes.some((n) => n.voice === 'v'),
  );
}

/** Splits a text of words on any whitespace, as written by `clara encode` or Clara's own text files. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}
