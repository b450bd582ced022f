import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../train/rng';
import { sampleIndex } from './sampler';

const logits = [2.0, 1.5, 1.0, 0.5, 0.1, -1, -3];

function draws(o: Parameters<typeof sampleIndex>[1], n = 4000, seed = 1): Map<number, number> {
  const rand = mulberry32(seed);
  const c = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const i = sampleIndex(logits, o, rand);
    c.set(i, (c.get(i) ?? 0) + 1);
  }
  return c;
}

describe('sampling', () => {
  it('temperature 0 is greedy', () => {
    expect([...draws({ temperature: 0 }, 50).keys()]).toEqual([0]);
  });

  it('top-n really limits the choices to the n most likely words', () => {
    const c = draws({ temperature: 1, topN: 3, truncProb: 1 });
    expect([...c.keys()].sort()).toEqual([0, 1, 2]);
    const k = draws({ temperature: 1, topK: 2 });
    expect([...k.keys()].sort()).toEqual([0, 1]);
  });

  it('truncated sampling takes the top word with probability 1 − p', () => {
    const c = draws({ temperature: 1, topN: 3, truncProb: 0.5 }, 10_000);
    // P(top) = 0.5 + 0.5 × softmax share of the top among the top 3 (≈ 0.506) ≈ 0.753.
    expect(c.get(0)! / 10_000).toBeGreaterThan(0.72);
    expect(c.get(0)! / 10_000).toBeLessThan(0.79);
  });

  it('nucleus sampling keeps the smallest set over p of the mass', () => {
    const c = draws({ temperature: 1, topP: 0.5 });
    expect([...c.keys()].sort()).toEqual([0, 1]);
  });

  it('is reproducible with the same seed, and never picks a disallowed word', () => {
    const run = (seed: number) => {
      const r = mulberry32(seed);
      return Array.from({ length: 30 }, () => sampleIndex(logits, { temperature: 1.2 }, r));
    };
    expect(run(9)).toEqual(run(9));
    expect(run(9)).not.toEqual(run(10));
    const rand = mulberry32(3);
    for (let k = 0; k < 200; k++) expect(sampleIndex(logits, { temperature: 2 }, rand, (i) => i % 2 === 1) % 2).toBe(1);
  });
});

describe('notewise grammar', () => {
  it('never starts a solo note below the solo floor, so chamber output stays in violin range', async () => {
    const { NotewiseGrammar } = await import('./grammar');
    const { Vocab } = await import('../train/vocab');
    const { resolveEncodingOptions } = await import('../encoding');
    const o = resolveEncodingOptions();
    const vocab = Vocab.notewise(o, true);
    const g = new NotewiseGrammar(vocab, { soloLow: o.soloLow });
    const allowedSolo = vocab.words.filter((w, i) => /^v\d+$/.test(w) && g.allowed(i)).map((w) => Number(w.slice(1)));
    expect(allowedSolo.length).toBeGreaterThan(0);
    expect(Math.min(...allowedSolo)).toBe(o.soloLow);
    // Ends stay allowed for sounding notes only; the piano is untouched.
    expect(vocab.words.some((w, i) => w === 'p0' && g.allowed(i))).toBe(true);
  });
});
