import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { midiFilesUnder, sharedCorpora } from '../../testing/corpora';
import { bundledModelDir } from '../corpus/demo';
import { ChordwiseGrammar } from '../generate/chordwiseGrammar';
import { NotewiseGrammar } from '../generate/grammar';
import { readMidi } from '../midi/read';
import { readCheckpointMeta } from '../model/checkpoint';
import { SPECIALS, Vocab } from '../train/vocab';
import { decodeChordwise, encodeChordwise } from './chordwise';
import { CHORDWISE_MAX_WORDS, CHORDWISE_MIN_COUNT, codecFor, codecOf } from './codec';
import { decodeNotewise, encodeNotewise } from './notewise';
import { resolveEncodingOptions } from './options';
import { quantize } from './steps';

const o = resolveEncodingOptions();
const { piano, chamber } = sharedCorpora();
// Piano alone and violin + piano, so the solo part is exercised.
const pieces = [...midiFilesUnder(piano).slice(0, 3), ...midiFilesUnder(chamber).slice(0, 3)].map((file) => {
  const piece = readMidi(fs.readFileSync(file), { path: file });
  const steps = quantize(piece.notes, piece.ppq, o);
  return { file, steps, withSolo: steps.some((n) => n.voice === 'v') };
});

const untouched = (): Iterable<string[]> => ({
  [Symbol.iterator]: () => {
    throw new Error('notewise must not walk the training words');
  },
});

describe('codec', () => {
  it('has pieces with and without a solo part', () => {
    expect(pieces.some((p) => p.withSolo)).toBe(true);
    expect(pieces.some((p) => !p.withSolo)).toBe(true);
  });

  it('notewise: the same words and notes as the encoder, its steps up to the last note end', () => {
    const c = codecFor('notewise', o);
    expect(c.name).toBe('notewise');
    for (const { file, steps, withSolo } of pieces) {
      const words = c.encode(steps, withSolo);
      expect(words, file).toEqual(encodeNotewise(steps, o));
      expect(c.decode(words, 64), file).toEqual(decodeNotewise(words, o, 64));
      expect(c.stepsOf(words), file).toBe(steps.reduce((m, n) => Math.max(m, n.start + n.dur), 0));
    }
  });

  it('chordwise: the same words and notes as the encoder, one step a word', () => {
    const c = codecFor('chordwise', o);
    expect(c.name).toBe('chordwise');
    for (const { file, steps, withSolo } of pieces) {
      const words = c.encode(steps, withSolo);
      expect(words, file).toEqual(encodeChordwise(steps, o, withSolo));
      expect(c.decode(words, 64), file).toEqual(decodeChordwise(words, o, 64));
      expect(c.stepsOf(words), file).toBe(steps.reduce((m, n) => Math.max(m, n.start), 0) + 1);
    }
  });

  it('notewise vocabulary is fixed by the options and never reads the training words', () => {
    const c = codecFor('notewise', o);
    expect(c.vocabulary(true, untouched()).words).toEqual(Vocab.notewise(o, true).words);
    expect(c.vocabulary(false, untouched()).words).toEqual(Vocab.notewise(o, false).words);
  });

  it('chordwise vocabulary is the chords of the training words seen more than once, most frequent first', () => {
    const c = codecFor('chordwise', o);
    const train = pieces.map((p) => c.encode(p.steps, p.withSolo));
    const vocab = c.vocabulary(true, train);
    const counts = new Map<string, number>();
    for (const words of train) for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(vocab.words).toEqual(Vocab.fromCounts(counts, CHORDWISE_MIN_COUNT, CHORDWISE_MAX_WORDS).words);
    expect(vocab.words.slice(0, 3)).toEqual([...SPECIALS]);
    const repeated = [...counts.values()].filter((n) => n >= 2).length;
    expect(vocab.size).toBe(repeated + 3);
    expect(repeated).toBeLessThan(counts.size);
    // A chord seen once reads as its nearest known chord, never <unk>.
    const once = [...counts].find(([, n]) => n === 1)![0];
    expect(vocab.ids([once])[0]).toBeGreaterThan(vocab.eos);
    const top = vocab.words.slice(3, 6).map((w) => counts.get(w)!);
    expect(top).toEqual([...top].sort((a, b) => b - a));
  });

  it('each encoding has its grammar', () => {
    const vocab = Vocab.notewise(o, true);
    expect(codecFor('notewise', o).grammar(vocab, {})).toBeInstanceOf(NotewiseGrammar);
    expect(codecFor('chordwise', o).grammar(vocab, {})).toBeInstanceOf(ChordwiseGrammar);
  });

  it("a checkpoint's saved encoding is its codec: the shipped model's vocabulary comes back word for word", () => {
    const meta = readCheckpointMeta(bundledModelDir()!);
    const c = codecOf(meta);
    expect(c.name).toBe(meta.encoding);
    expect(c.options).toEqual(meta.encodingOptions);
    expect(c.vocabulary(false, untouched()).words).toEqual(meta.vocab);
  });
});
