import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus } from '../../testing/corpora';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { readMidi } from '../midi/read';
import { readCheckpointMeta } from '../model/checkpoint';
import { resolveCheckpoint } from '../train/checkpointRef';
import { train } from '../train/trainer';
import { generateSamples } from './samples';
import fs from 'node:fs';

const CHORD = /^(r\d+|(v[01]{62})?p[01]{62})$/;
let t: TempCatalog;

beforeAll(async () => {
  t = await openTempCatalog('gen-chordwise', [demoCorpus]);
  await train(t.catalog, t.home, {
    encoding: 'chordwise',
    preset: 'tiny',
    steps: 20,
    evalEvery: 20,
    valTokens: 500,
    backend: 'wasm',
  });
});
afterAll(() => t.dispose());

describe('a chordwise model', () => {
  it('learns its vocabulary from the chords of the corpus and generates one step a word', () => {
    const meta = readCheckpointMeta(resolveCheckpoint(t.catalog, 'best').path);
    expect(meta.encoding).toBe('chordwise');
    expect(meta.vocab.slice(0, 3)).toEqual(['<pad>', '<unk>', '<eos>']);
    expect(meta.vocab.length).toBeGreaterThan(100);
    expect(meta.vocab.slice(3).every((w) => CHORD.test(w))).toBe(true);

    const [s] = generateSamples(t.catalog, t.home, {
      checkpoint: 'best',
      prompt: { kind: 'none' },
      count: 1,
      tokens: 96,
      sampling: { temperature: 1 },
      seed: 3,
      bpm: 120,
    });
    expect(s!.tokens).toBe(96);
    // No grammar: every word is one step of 1/12 quarter at 120 bpm.
    expect(s!.durationS).toBeCloseTo((96 * 0.5) / 12, 9);
    expect(readMidi(fs.readFileSync(s!.file)).notes.length).toBeGreaterThan(0);
  });
});
