import { describe, expect, it } from 'vitest';
import { NearestChord } from './nearestChord';
import { SPECIALS, Vocab } from './vocab';

const chord = (keys: number[], size = 8) =>
  `p${Array.from({ length: size }, (_, k) => (keys.includes(k) ? '1' : '0')).join('')}`;

describe('the nearest known chord', () => {
  const words = [...SPECIALS, chord([0, 4, 7]), chord([2, 5]), chord([0, 4]), 'r0', 'r3', 'r9', chord([1, 3, 6])];
  const near = new NearestChord(words);

  it('is the known chord with the fewest differing keys', () => {
    expect(near.nearest(chord([0, 4, 7]))).toBe(3); // known: itself
    expect(near.nearest(chord([0, 4, 7, 6]))).toBe(3); // one key more
    expect(near.nearest(chord([2, 5, 6]))).toBe(4); // one key more than [2, 5]
    expect(near.nearest(chord([1, 3]))).toBe(9); // one key fewer than [1, 3, 6]
  });

  it('takes the commoner word (earlier in the vocabulary) on a tie', () => {
    // [0] is one key from [0, 4] and two from [0, 4, 7]; [0, 7] is one from both [0, 4, 7] and... only [0, 4, 7].
    expect(near.nearest(chord([0]))).toBe(5);
    // [4]: one key from [0, 4] (id 5), three from [0, 4, 7]; [0, 4, 7, 2] — one from [0, 4, 7] (id 3).
    expect(near.nearest(chord([0, 2, 4, 7]))).toBe(3);
    // Equally near [0, 4, 7] (id 3) and [0, 4] (id 5): two keys from each → the commoner, 3.
    expect(near.nearest(chord([0, 4, 6]))).toBe(5);
  });

  it('sends a rest to the known rest with the nearest count, and other shapes nowhere', () => {
    expect(near.nearest('r4')).toBe(7);
    expect(near.nearest('r51')).toBe(8);
    expect(near.nearest(`v${chord([1]).slice(1)}${chord([0, 4, 7])}`)).toBeNull(); // a solo part this vocabulary never had
    expect(near.nearest('p38')).toBeNull(); // a notewise word
  });

  it('is what a chordwise vocabulary gives unseen words, counting them', () => {
    const vocab = new Vocab(words);
    expect([...vocab.ids([chord([0, 4, 7]), chord([0, 4, 7, 6]), 'r4', 'p38'])]).toEqual([3, 3, 7, vocab.unk]);
    expect(vocab.unseen).toEqual({ nearest: 2, unknown: 1 });
  });
});
