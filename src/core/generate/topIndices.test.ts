import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../train/rng';
import { sampleIndex } from './sampler';
import { topIndices } from './topIndices';

/** The ranking both functions must agree with: every allowed word sorted, ties by id. */
function fullSort(logits: ArrayLike<number>, allowed?: (i: number) => boolean): number[] {
  const ids: number[] = [];
  for (let i = 0; i < logits.length; i++) if (!allowed || allowed(i)) ids.push(i);
  return ids.sort((a, b) => logits[b]! - logits[a]! || a - b);
}

/** The sampler before the partial ranking: sorts every candidate, then applies the same rules. */
function reference(
  logits: Float32Array,
  o: Parameters<typeof sampleIndex>[1],
  rand: () => number,
  allowed?: (i: number) => boolean,
) {
  const cand = fullSort(logits, allowed);
  const top = cand[0]!;
  if (o.temperature === 0) return top;
  let pool = cand;
  if (o.topN !== undefined) {
    if (rand() >= (o.truncProb ?? 1)) return top;
    pool = cand.slice(0, o.topN);
  } else if (o.topK !== undefined) pool = cand.slice(0, o.topK);
  const max = logits[pool[0]!]!;
  let weights = pool.map((i) => Math.exp((logits[i]! - max) / o.temperature));
  if (o.topN === undefined && o.topP !== undefined) {
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    let keep = 0;
    while (keep < pool.length && acc < o.topP * total) acc += weights[keep++]!;
    pool = pool.slice(0, Math.max(1, keep));
    weights = weights.slice(0, pool.length);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let k = 0; k < pool.length; k++) {
    r -= weights[k]!;
    if (r <= 0) return pool[k]!;
  }
  return pool[pool.length - 1]!;
}

/** Logits shaped like a trained chordwise model's: a few likely words, a long tail, many ties. */
function chordwiseLike(V: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(V);
  for (let i = 0; i < V; i++) x[i] = Math.round((rand() * 6 - 9) * 4) / 4;
  for (let k = 0; k < 12; k++) x[Math.floor(rand() * V)] = Math.round(rand() * 16) / 4;
  return x;
}

describe('topIndices', () => {
  it('ranks like a full sort for small and large k, with ties and a filter', () => {
    const allowed = (i: number) => i % 7 !== 3;
    for (const seed of [1, 2, 3]) {
      const logits = chordwiseLike(5000, seed);
      for (const k of [1, 3, 5, 64, 65, 300, 4999, 6000]) {
        expect(topIndices(logits, k)).toEqual(fullSort(logits).slice(0, k));
        expect(topIndices(logits, k, allowed)).toEqual(fullSort(logits, allowed).slice(0, k));
      }
    }
    expect(topIndices([1, 1, 1], 2)).toEqual([0, 1]);
    expect(topIndices([1, 2], 2, () => false)).toEqual([]);
  });
});

describe('sampleIndex on a chordwise-size vocabulary', () => {
  it('draws exactly the words the full-sort sampler draws, for every rule', () => {
    const allowed = (i: number) => i % 5 !== 0;
    const rules: Parameters<typeof sampleIndex>[1][] = [
      { temperature: 0 },
      { temperature: 1, topN: 5, truncProb: 0.5 },
      { temperature: 0.8, topK: 40 },
      { temperature: 1, topK: 200, topP: 0.9 },
      { temperature: 1, topP: 0.9 },
      // Hot enough that the first 64 words hold less than p, so the nucleus ranks everything.
      { temperature: 8, topP: 0.95 },
    ];
    for (const o of rules) {
      const a = mulberry32(7);
      const b = mulberry32(7);
      for (let step = 0; step < 25; step++) {
        const logits = chordwiseLike(9000, 100 + step);
        const filter = step % 2 ? allowed : undefined;
        expect(sampleIndex(logits, o, a, filter)).toBe(reference(logits, o, b, filter));
      }
    }
  });
});

describe('sampleIndex with no rule', () => {
  it('draws each allowed word as often as its softmax share says, never a forbidden one', () => {
    const logits = [2, 1.5, 1, 0.5, 0.1, -1, -3, 4];
    const allowed = (i: number) => i !== 7;
    const rand = mulberry32(12);
    const n = 40_000;
    const seen = new Array<number>(logits.length).fill(0);
    for (let k = 0; k < n; k++) seen[sampleIndex(logits, { temperature: 1.3 }, rand, allowed)]!++;
    const w = logits.map((x, i) => (allowed(i) ? Math.exp(x / 1.3) : 0));
    const total = w.reduce((a, b) => a + b, 0);
    expect(seen[7]).toBe(0);
    w.forEach((x, i) => expect(Math.abs(seen[i]! / n - x / total)).toBeLessThan(0.01));
  });
});
