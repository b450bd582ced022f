import { ClaraError } from '../errors';
// Not '../encoding': its codec builds vocabularies, so the index importing this back would be a cycle.
import { notewiseVocabulary } from '../encoding/notewise';
import type { EncodingOptions } from '../encoding/options';
import { NearestChord } from './nearestChord';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const EOS = '<eos>';
export const SPECIALS = [PAD, UNK, EOS] as const;

/** Words ↔ ids. Ids 0–2 are <pad>, <unk> and <eos> (the piece boundary). */
export class Vocab {
  readonly index: Map<string, number>;

  constructor(readonly words: readonly string[]) {
    if (words[0] !== PAD || words[1] !== UNK || words[2] !== EOS)
      throw new ClaraError('must start with <pad> <unk> <eos>', 'bad-vocab', 'vocab');
    this.index = new Map(words.map((w, i) => [w, i]));
  }

  get size(): number {
    return this.words.length;
  }

  get eos(): number {
    return 2;
  }

  get unk(): number {
    return 1;
  }

  /** Unseen words that went to their nearest known chord, and those left to <unk>, since this vocabulary was made. */
  readonly unseen = { nearest: 0, unknown: 0 };
  private nearestChord: NearestChord | null = null;

  /** Ids of words; an unseen chordwise word takes its nearest known chord (nearestChord.ts), else <unk>. */
  ids(words: readonly string[]): Int32Array {
    const out = new Int32Array(words.length);
    for (let i = 0; i < words.length; i++) {
      const known = this.index.get(words[i]!);
      out[i] = known ?? this.unseenId(words[i]!);
    }
    return out;
  }

  private unseenId(word: string): number {
    this.nearestChord ??= new NearestChord(this.words);
    const id = this.nearestChord.nearest(word);
    if (id === null) {
      this.unseen.unknown++;
      return this.unk;
    }
    this.unseen.nearest++;
    return id;
  }

  wordsOf(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => this.words[i] ?? UNK);
  }

  /** The notewise vocabulary is fixed by the options: every word the encoder can write. */
  static notewise(o: EncodingOptions, withSolo: boolean): Vocab {
    return new Vocab([...SPECIALS, ...notewiseVocabulary(o, withSolo)]);
  }

  /** Chordwise words are the chords seen in training, most frequent first, those seen fewer than minCount times left to <unk>. */
  static fromCounts(counts: Map<string, number>, minCount = 1, maxSize = 100_000): Vocab {
    const words = [...counts.entries()]
      .filter(([w, c]) => c >= minCount && !(SPECIALS as readonly string[]).includes(w))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, maxSize - SPECIALS.length)
      .map(([w]) => w);
    return new Vocab([...SPECIALS, ...words]);
  }
}
