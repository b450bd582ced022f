import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoCorpus, midiFilesUnder } from '../../testing/corpora';
import { decodeChordwise, encodeChordwise, encodePiece, REST_CAP, resolveEncodingOptions } from '../encoding';
import { readMidi } from '../midi/read';
import { mulberry32 } from '../train/rng';
import { Vocab } from '../train/vocab';
import { ChordwiseGrammar } from './chordwiseGrammar';
import { parseKey, scalePitchClasses, tonicTriad } from './key';
import { sampleIndex } from './sampler';

const o = resolveEncodingOptions({ sampleFreq: 4 });
// The chords (and rests) of a few real pieces: the vocabulary a chordwise run would make of them.
const counts = new Map<string, number>();
for (const f of midiFilesUnder(demoCorpus).slice(0, 6))
  for (const w of encodePiece(readMidi(fs.readFileSync(f)), 'chordwise', o)) counts.set(w, (counts.get(w) ?? 0) + 1);
// Every rest count, as a large corpus has them (a missing one falls back to the nearest known).
for (let n = 0; n <= REST_CAP; n++) counts.set(`r${n}`, 1);
const vocab = Vocab.fromCounts(counts);
const isRest = (w: string) => /^r\d+$/.test(w);

/** A model that likes rests (spread over r0…r51, as a real one does) about as much as all chords together. */
function restLovingLogits(rand: () => number): Float32Array {
  return Float32Array.from(vocab.words, (w) => (isRest(w) ? 1 + rand() : w.startsWith('p') ? -2 + 3 * rand() : 0));
}

function run(g: ChordwiseGrammar, words: number, seed: number, sampling = { temperature: 1 }): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let n = 0; n < words; n++) {
    const row = restLovingLogits(rand);
    g.bias(row);
    const id = sampleIndex(row, sampling, rand, (i) => i >= 3 && g.allowed(i));
    g.push(id);
    out.push(vocab.words[id]!);
  }
  return out;
}

describe('the chordwise grammar', () => {
  it('writes each rest as the count the encoder would: generated text reads back to itself', () => {
    for (const seed of [1, 2, 3]) {
      const words = run(new ChordwiseGrammar(vocab, { openingSilence: 0 }), 400, seed);
      expect(words.filter(isRest).length).toBeGreaterThan(50);
      const { notes } = decodeChordwise(words, o);
      // The encoder stops at the last onset.
      const last = words.findLastIndex((w) => !isRest(w));
      const back = encodeChordwise(notes, o, false);
      expect(back).toEqual(words.slice(0, last + 1));
    }
  });

  it('gives the rest it allows the probability of every rest word', () => {
    const g = new ChordwiseGrammar(vocab, {});
    const row = restLovingLogits(mulberry32(4));
    const rests = vocab.words.flatMap((w, i) => (isRest(w) ? [i] : []));
    const mass = rests.reduce((a, i) => a + Math.exp(row[i]!), 0);
    g.bias(row);
    const allowed = rests.filter((i) => g.allowed(i));
    expect(allowed.map((i) => vocab.words[i])).toEqual(['r0']);
    expect(row[allowed[0]!]).toBeCloseTo(Math.log(mass), 5);
  });

  it('opens an unprompted piece with a chord, and lets a continuation breathe only as long as asked', () => {
    for (const seed of [1, 2, 3, 4]) {
      const words = run(new ChordwiseGrammar(vocab, { openingSilence: 0 }), 6, seed, { temperature: 0 } as never);
      expect(isRest(words[0]!)).toBe(false);
    }
    const g = new ChordwiseGrammar(vocab, { openingSilence: 3 });
    g.beginGenerated();
    const words = run(g, 6, 1, { temperature: 0 } as never);
    expect(words.slice(0, 3).every(isRest)).toBe(true);
    expect(isRest(words[3]!)).toBe(false);
  });

  it('keeps a solo part above its floor, and leans chords toward the key', () => {
    const soloVocab = new Vocab([
      '<pad>',
      '<unk>',
      '<eos>',
      'r0',
      `v${'0'.repeat(10)}1${'0'.repeat(51)}p${'0'.repeat(62)}`,
      `v${'0'.repeat(30)}1${'0'.repeat(31)}p${'0'.repeat(62)}`,
    ]);
    const solo = new ChordwiseGrammar(soloVocab, { soloLow: 22 });
    expect([4, 5].map((i) => solo.allowed(i))).toEqual([false, true]);

    const key = parseKey('C major');
    const rule = {
      scale: scalePitchClasses(key),
      triad: tonicTriad(key),
      strength: 2,
      fadeSteps: 64,
      hold: 0.5,
      rangeLow: o.rangeLow,
    };
    const g = new ChordwiseGrammar(vocab, { key: rule });
    const row = new Float32Array(vocab.size);
    g.bias(row);
    const pcs = (w: string) => [...w.slice(1)].flatMap((c, k) => (c === '1' ? [(o.rangeLow + k) % 12] : []));
    vocab.words.forEach((w, i) => {
      if (!w.startsWith('p')) return;
      const out = pcs(w).filter((pc) => !rule.scale.has(pc)).length;
      const triad = pcs(w).filter((pc) => rule.triad.has(pc)).length;
      expect(row[i]).toBeCloseTo(-2 * out + triad, 5);
    });
  });
});
