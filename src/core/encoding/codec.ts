import { ChordwiseGrammar } from '../generate/chordwiseGrammar';
import { NotewiseGrammar, type Grammar, type GrammarRules } from '../generate/grammar';
import { Vocab } from '../train/vocab';
import { decodeChordwise, encodeChordwise } from './chordwise';
import { decodeNotewise, encodeNotewise, type DecodeReport } from './notewise';
import type { EncodingName, EncodingOptions } from './options';
import type { StepNote } from './steps';

const WAIT = /^wait\d+$/;

/**
 * One encoding with its options: everything that differs between notewise and chordwise lives here,
 * so the trainer, the generator and the critics ask the codec instead of branching on its name.
 * A checkpoint's `encoding` + `encodingOptions` are its spec (see codecOf).
 */
export interface Codec {
  readonly name: EncodingName;
  readonly options: EncodingOptions;
  /** `withSolo` writes the solo part of every chordwise word even where it is silent; notewise ignores it. */
  encode(steps: readonly StepNote[], withSolo?: boolean): string[];
  /** `velocity` is what notes get when the text says nothing of dynamics. */
  decode(words: readonly string[], velocity?: number): DecodeReport;
  /**
   * The words a model of this encoding knows. `trainWords` (the training pieces' words, best lazy:
   * walking the corpus is not free) is only read where the vocabulary depends on the data (chordwise).
   */
  vocabulary(withSolo: boolean, trainWords: Iterable<readonly string[]>): Vocab;
  /** Music steps that some words span. */
  stepsOf(words: readonly string[]): number;
  /** The rules generated text obeys. */
  grammar(vocab: Vocab, rules: GrammarRules): Grammar;
}

export function notewiseCodec(options: EncodingOptions): Codec {
  return {
    name: 'notewise',
    options,
    encode: (steps) => encodeNotewise(steps, options),
    decode: (words, velocity) => decodeNotewise(words, options, velocity),
    // Fixed by the options: every word the encoder can write, seen in training or not.
    vocabulary: (withSolo) => Vocab.notewise(options, withSolo),
    stepsOf: (words) => words.reduce((n, w) => n + (WAIT.test(w) ? Number(w.slice(4)) : 0), 0),
    grammar: (vocab, rules) => new NotewiseGrammar(vocab, rules),
  };
}

/** A chord must occur this often in the training text to get a word of its own… */
export const CHORDWISE_MIN_COUNT = 2;
/** …and the vocabulary keeps at most this many words (piano-midi.de: 36,409 at 4 steps per quarter, 30,740 at 12). */
export const CHORDWISE_MAX_WORDS = 40_000;

export function chordwiseCodec(options: EncodingOptions): Codec {
  return {
    name: 'chordwise',
    options,
    encode: (steps, withSolo) => encodeChordwise(steps, options, withSolo),
    decode: (words, velocity) => decodeChordwise(words, options, velocity),
    // The chords seen in training (there are far too many possible ones to list them all), those
    // seen once left out: on piano-midi.de they are a third of the chords and 1% of the text at 4
    // steps per quarter, 0.2% at 12 (npm run bench -- chordwise-vocab), and every unseen chord reads
    // as its nearest known one (train/nearestChord.ts). Capped, so that an output layer stays trainable.
    vocabulary: (_withSolo, trainWords) => {
      const counts = new Map<string, number>();
      for (const words of trainWords) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
      return Vocab.fromCounts(counts, CHORDWISE_MIN_COUNT, CHORDWISE_MAX_WORDS);
    },
    // One word a step, rests included.
    stepsOf: (words) => words.length,
    grammar: (vocab, rules) => new ChordwiseGrammar(vocab, rules),
  };
}

export function codecFor(name: EncodingName, options: EncodingOptions): Codec {
  return name === 'notewise' ? notewiseCodec(options) : chordwiseCodec(options);
}

/** The codec a checkpoint (or run config) was made with. */
export function codecOf(meta: { encoding: EncodingName; encodingOptions: EncodingOptions }): Codec {
  return codecFor(meta.encoding, meta.encodingOptions);
}
