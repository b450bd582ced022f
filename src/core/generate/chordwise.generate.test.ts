import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCorpus, sharedCorpora } from '../../testing/corpora';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { readMidi } from '../midi/read';
import { readCheckpointMeta } from '../model/checkpoint';
import { resolveCheckpoint } from '../train/checkpointRef';
import { train } from '../train/trainer';
import { generateSamples } from './samples';
import fs from 'node:fs';
import { readWithMido } from '../../testing/mido';
import { renderWithTimidity } from '../../testing/timidity';

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
    // One word a step: each is 1/4 quarter (chordwise's default resolution) at 120 bpm.
    expect(meta.encodingOptions.sampleFreq).toBe(4);
    expect(s!.durationS).toBeCloseTo((96 * 0.5) / 4, 9);
    const ours = readMidi(fs.readFileSync(s!.file), { pedal: false });
    expect(ours.notes.length).toBeGreaterThan(0);
    // Other readers accept the file: mido counts the same notes, timidity plays it for its length.
    const mido = readWithMido(s!.file);
    if (mido) expect(mido.notes).toBe(ours.notes.length);
    const audio = renderWithTimidity(s!.file);
    if (audio) {
      expect(audio.seconds).toBeGreaterThan(s!.durationS - 0.5);
      expect(audio.seconds).toBeLessThan(s!.durationS + 5);
      expect(audio.peak).toBeGreaterThan(0.01);
    }
  });
});

describe('chordwise generation', () => {
  it('opens every unprompted sample with music, not rests (the opening rule notewise has)', () => {
    const samples = generateSamples(t.catalog, t.home, {
      checkpoint: 'best',
      prompt: { kind: 'none' },
      count: 8,
      tokens: 8,
      // Greedy: a young model's likeliest word after <eos> is a rest (the piano corpus's model at
      // step 451 opened all of 8 four-second samples with rests, and wrote no note at all).
      sampling: { temperature: 0 },
      seed: 11,
      bpm: 120,
    });
    for (const s of samples) {
      const notes = readMidi(fs.readFileSync(s.file), { pedal: false }).notes;
      expect(notes.length).toBeGreaterThan(0);
      expect(Math.min(...notes.map((n) => n.start))).toBe(0);
    }
  });
});

describe('a chamber chordwise model', () => {
  let c: TempCatalog;
  beforeAll(async () => {
    c = await openTempCatalog('gen-chordwise-chamber', [sharedCorpora().chamber]);
    await train(c.catalog, c.home, {
      encoding: 'chordwise',
      preset: 'tiny',
      steps: 20,
      evalEvery: 20,
      valTokens: 500,
      backend: 'wasm',
      ensembles: ['solo+piano'],
    });
  });
  afterAll(() => c.dispose());

  it('reads solo and piano parts as one word a step, and writes a prompt’s two parts back at its own speed', () => {
    const meta = readCheckpointMeta(resolveCheckpoint(c.catalog, 'best').path);
    // Pieces with a solo part: every chord word carries the v part first.
    expect(meta.vocab.slice(3).some((w) => /^v[01]{62}p[01]{62}$/.test(w))).toBe(true);
    const piece = c.catalog.listPieces({ split: 'train' }).find((p) => p.ensemble === 'solo+piano')!;
    const [s] = generateSamples(c.catalog, c.home, {
      checkpoint: 'best',
      prompt: { kind: 'piece', pieceId: piece.id },
      promptWords: 64,
      includePrompt: true,
      count: 1,
      tokens: 32,
      sampling: { temperature: 1 },
      seed: 5,
      bpm: 60,
    });
    const written = readMidi(fs.readFileSync(s!.file), { pedal: false });
    const solo = written.notes.filter((n) => n.voice === 'v');
    const piano = written.notes.filter((n) => n.voice === 'p');
    expect(solo.length).toBeGreaterThan(0);
    expect(piano.length).toBeGreaterThan(0);
    // 64 prompt words and 32 new ones: 96 steps of a quarter's fourth at 60 bpm, both parts on that grid
    // (Clara's chamber chordwise played at half speed: two words a step). Notes start on the grid.
    const step = 60 / 60 / 4;
    for (const n of [...solo, ...piano]) {
      const seconds = n.start / written.ppq; // quarters, and a quarter is a second at 60 bpm
      expect(Math.abs(seconds / step - Math.round(seconds / step))).toBeLessThan(1e-6);
      expect(seconds).toBeLessThan(96 * step);
    }
    expect(s!.durationS).toBeLessThanOrEqual(96 * step + 1e-9);
    const mido = readWithMido(s!.file);
    // A tempo track, then the solo and piano parts.
    if (mido) expect(mido).toEqual({ notes: written.notes.length, tracks: 3 });
    const audio = renderWithTimidity(s!.file);
    if (audio) expect(audio.peak).toBeGreaterThan(0.01);
  });
});
