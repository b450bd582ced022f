import { describe, expect, it } from 'vitest';
import { BpttBatches } from './batches';
import type { Item } from './corpusTokens';

const EOS = 2;
// Item k's tokens: k*100 .. k*100 + len - 1.
const lens = [5, 9, 3, 7, 11, 4];
const items: Item[] = lens.map((_, k) => ({ pieceId: k, shift: 0 }));
const tokensOf = (it: Item) => Int32Array.from({ length: lens[it.pieceId]! }, (_, i) => it.pieceId * 100 + i);

describe('BPTT batches', () => {
  it('deals items round-robin to streams, separates pieces with <eos>, and targets are inputs shifted by one', () => {
    const b = new BpttBatches(items, 2, 4, tokensOf, EOS);
    const w = b.next()!;
    // stream 0 reads items 0, 2, 4; stream 1 reads 1, 3, 5.
    const col = (arr: Int32Array, j: number) => Array.from({ length: 4 }, (_, t) => arr[t * 2 + j]);
    expect(col(w.inputs, 0)).toEqual([0, 1, 2, 3]);
    expect(col(w.targets, 0)).toEqual([1, 2, 3, 4]);
    expect(col(w.inputs, 1)).toEqual([100, 101, 102, 103]);
    const w2 = b.next()!;
    expect(col(w2.inputs, 0)).toEqual([4, EOS, 200, 201]);
    expect(col(w2.targets, 0)).toEqual([EOS, 200, 201, 202]);
  });

  it('ends the epoch when the first stream runs dry', () => {
    const b = new BpttBatches(items, 2, 4, tokensOf, EOS);
    let n = 0;
    while (b.next()) n++;
    // stream 0 holds 5+3+11 tokens plus 3 <eos> = 22: five windows of 4 need 21.
    expect(n).toBe(5);
  });

  it('balances streams by length when lengths are known, so less of the epoch is dropped', () => {
    const skewed = [20, 1, 20, 1, 20, 1];
    const skewedItems: Item[] = skewed.map((_, k) => ({ pieceId: k, shift: 0 }));
    const toks = (it: Item) => Int32Array.from({ length: skewed[it.pieceId]! }, (_, i) => i);
    const count = (b: BpttBatches) => {
      let n = 0;
      while (b.next()) n++;
      return n;
    };
    // Round-robin puts all three long pieces in one stream: the other ends after 6 tokens.
    expect(count(new BpttBatches(skewedItems, 2, 4, toks, EOS))).toBe(1);
    // By length the streams get 44 and 25 tokens: six windows instead of one.
    expect(
      count(new BpttBatches(skewedItems, 2, 4, toks, EOS, undefined, (it) => skewed[it.pieceId]!)),
    ).toBeGreaterThanOrEqual(5);
  });

  it('resumes exactly from saved cursors', () => {
    const a = new BpttBatches(items, 2, 3, tokensOf, EOS);
    a.next();
    a.next();
    const saved = a.position();
    const expected = a.next()!;
    const b = new BpttBatches(items, 2, 3, tokensOf, EOS, saved);
    const got = b.next()!;
    expect(Array.from(got.inputs)).toEqual(Array.from(expected.inputs));
    expect(Array.from(got.targets)).toEqual(Array.from(expected.targets));
  });
});
