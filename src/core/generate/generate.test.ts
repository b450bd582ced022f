import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWithMido } from '../../testing/mido';
import { makeMidi } from '../../testing/makeMidi';
import { demoCorpus } from '../../testing/corpora';
import type { Catalog } from '../catalog/catalog';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { readMidi } from '../midi/read';
import { train } from '../train/trainer';
import { generateSamples } from './samples';

let t: TempCatalog;
let home: string;
let catalog: Catalog;

beforeAll(async () => {
  t = await openTempCatalog('gen', [demoCorpus]);
  ({ home, catalog } = t);
  await train(catalog, home, {
    encoding: 'notewise',
    preset: 'tiny',
    steps: 200,
    evalEvery: 100,
    valTokens: 2000,
    backend: 'wasm',
  });
});
afterAll(() => t.dispose());

describe('generation from a trained checkpoint', () => {
  it('writes playable MIDI that another parser reads, records each sample, and is reproducible by seed', () => {
    const args = {
      checkpoint: 'best',
      prompt: { kind: 'none' as const },
      count: 3,
      seconds: 15,
      sampling: { temperature: 1 },
      seed: 42,
    };
    const a = generateSamples(catalog, home, { ...args, outDir: path.join(home, 'a') });
    const b = generateSamples(catalog, home, { ...args, outDir: path.join(home, 'b') });
    expect(a).toHaveLength(3);
    a.forEach((s, i) => {
      expect(fs.readFileSync(s.file).equals(fs.readFileSync(b[i]!.file))).toBe(true);
      expect(s.durationS).toBeGreaterThan(13);
      expect(s.durationS).toBeLessThan(17);
      const parsed = readMidi(fs.readFileSync(s.file), { pedal: false });
      expect(s.noteCount).toBeGreaterThan(0);
      expect(parsed.notes.length).toBe(s.noteCount);
      const seen = readWithMido(s.file);
      if (seen) expect(seen.notes).toBe(s.noteCount);
    });
    expect(new Set(a.map((s) => fs.readFileSync(s.file).toString('hex'))).size).toBe(3);
    const other = generateSamples(catalog, home, { ...args, seed: 43, count: 1, outDir: path.join(home, 'c') });
    expect(fs.readFileSync(other[0]!.file).equals(fs.readFileSync(a[0]!.file))).toBe(false);
    expect(catalog.samples.list()).toHaveLength(7);
    catalog.samples.setStarred(a[1]!.id, true);
    expect(catalog.samples.list({ starred: true }).map((r) => r.id)).toEqual([a[1]!.id]);
    expect(() => catalog.samples.setStarred(9999, true)).toThrow(/sample: no sample with id 9999/);
  });

  it('continues a catalog piece or a MIDI file, and names a prompt file with no notes', () => {
    const piece = catalog.listPieces({ search: 'BWV 846' })[0]!;
    const [s] = generateSamples(catalog, home, {
      checkpoint: 'best',
      prompt: { kind: 'piece', pieceId: piece.id },
      promptWords: 100,
      count: 1,
      tokens: 50,
      sampling: { temperature: 0 },
      seed: 1,
    });
    expect(s!.prompt).toMatchObject({ kind: 'piece', words: 100 });
    expect(s!.tokens).toBe(50);
    const empty = path.join(home, 'empty.mid');
    fs.writeFileSync(empty, makeMidi([{ name: 'silence', notes: [] }]));
    expect(() =>
      generateSamples(catalog, home, {
        checkpoint: 'best',
        prompt: { kind: 'file', path: empty },
        count: 1,
        tokens: 10,
        sampling: { temperature: 1 },
        seed: 1,
      }),
    ).toThrow(/empty\.mid: no notes/);
  });
});
