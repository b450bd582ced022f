import { describe, expect, it } from 'vitest';
import { decodeNotewise, resolveEncodingOptions } from '../encoding';
import { mulberry32 } from '../train/rng';
import { Vocab } from '../train/vocab';
import { NotewiseGrammar } from './grammar';
import { defaultNoteLimits, learnNoteLimits, limitOf } from './noteLimits';
import { sampleIndex } from './sampler';

const o = resolveEncodingOptions();
const vocab = Vocab.notewise(o, true);
const limits = defaultNoteLimits(o);

/**
 * A model that never wants to end a note and loves long waits: the worst case for hanging notes.
 * Starts and waits get high scores, ends the lowest.
 */
function stubbornLogits(): Float32Array {
  return Float32Array.from(vocab.words, (w) =>
    /^end/.test(w) ? -6 : /^wait/.test(w) ? 0.5 : /^p\d+$/.test(w) ? 0 : -2,
  );
}

function run(g: NotewiseGrammar, words: number, seed = 1): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let n = 0; n < words; n++) {
    const row = stubbornLogits();
    g.bias(row);
    const id = sampleIndex(row, { temperature: 1 }, rand, (i) => i >= 3 && g.allowed(i));
    g.push(id);
    out.push(vocab.words[id]!);
  }
  return [...out, ...g.closing()];
}

describe('note limits in the grammar', () => {
  it('never lets a note outlive its learned limit, so no key is ever locked', () => {
    for (const seed of [1, 2, 3]) {
      const g = new NotewiseGrammar(vocab, { soloLow: o.soloLow, limits, endBias: 3, openingSilence: 0 });
      const words = run(g, 3000, seed);
      const { notes } = decodeNotewise(words, o);
      expect(notes.length).toBeGreaterThan(50);
      for (const n of notes) expect(n.dur).toBeLessThanOrEqual(limitOf(limits, n.voice, n.key)[1]);
      // Every key that was struck early is struck again later: nothing hangs for the rest of the piece.
      const lastStart = Math.max(...notes.map((n) => n.start));
      const locked = notes.filter((n) => n.start + n.dur > lastStart && n.start < lastStart / 2);
      expect(locked).toEqual([]);
    }
  });

  it('without limits the same model hangs notes for the whole piece (what the limits fix)', () => {
    const g = new NotewiseGrammar(vocab, { soloLow: o.soloLow });
    const { notes } = decodeNotewise(run(g, 3000), o);
    const end = Math.max(...notes.map((n) => n.start + n.dur));
    expect(notes.some((n) => n.start < end / 4 && n.start + n.dur >= end - 1)).toBe(true);
  });

  it('ends notes before the hard limit when the bias is on: lengths spread below it', () => {
    const g = new NotewiseGrammar(vocab, { soloLow: o.soloLow, limits, endBias: 6, openingSilence: 0 });
    const { notes } = decodeNotewise(run(g, 3000), o);
    const atLimit = notes.filter((n) => n.dur === limitOf(limits, n.voice, n.key)[1]).length;
    expect(atLimit / notes.length).toBeLessThan(0.5);
  });
});

describe('the opening rule', () => {
  it('makes an unprompted piece begin with a note, even for a model that wants to wait', () => {
    const g = new NotewiseGrammar(vocab, { limits, openingSilence: 0 });
    g.beginGenerated();
    const words = run(g, 20);
    expect(words[0]).toMatch(/^[pv]\d+$/);
  });

  it('lets a continuation rest at most the allowed steps before its first note', () => {
    const g = new NotewiseGrammar(vocab, { limits, openingSilence: 12 });
    for (const w of ['p30', 'wait6', 'endp30', 'wait6']) g.push(vocab.ids([w])[0]!);
    g.beginGenerated();
    const words = run(g, 40);
    const firstNote = words.findIndex((w) => /^[pv]\d+$/.test(w));
    const waited = words.slice(0, firstNote).reduce((s, w) => s + (/^wait/.test(w) ? Number(w.slice(4)) : 0), 0);
    expect(waited).toBeLessThanOrEqual(12);
  });
});

describe('learning note limits', () => {
  it('takes the quantiles of each register, and falls back for registers with few notes', () => {
    const notes = Array.from({ length: 1000 }, (_, i) => ({
      voice: 'p' as const,
      key: 30,
      start: i * 10,
      dur: 1 + (i % 10),
      velocity: 80,
    }));
    const l = learnNoteLimits([notes], o);
    expect(limitOf(l, 'p', 30)).toEqual([9, 10]);
    // A register with no notes borrows its neighbour's.
    expect(limitOf(l, 'p', 0)).toEqual(limitOf(l, 'p', 30));
    expect(limitOf(l, 'v', 30)).toEqual(limitOf(defaultNoteLimits(o), 'v', 30));
  });
});
