import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog';
import type { NewSample } from './samples';

let home: string;
let c: Catalog;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-catalog-samples-'));
  c = Catalog.open(home);
});
afterEach(() => {
  c.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const sample = (over: Partial<NewSample> = {}): NewSample => ({
  createdAt: '2025-01-01T00:00:00.000Z',
  runId: 'run-1',
  checkpointPath: path.join(home, 'runs', 'run-1', 'best-00000010'),
  checkpointStep: 10,
  encoding: 'notewise',
  prompt: { kind: 'none', words: 0 },
  options: { sampling: { temperature: 1 }, tempo: 90, meter: '3/4', key: 'D minor' },
  seed: 7,
  batchIndex: 0,
  durationS: 12.5,
  tokens: 300,
  noteCount: 40,
  title: 'Sample 7-1',
  parentId: null,
  ...over,
});

/** Writes a stand-in MIDI file named after the row id, as generation does. */
const writeFile = (id: number): string => {
  const file = path.join(home, 'samples', `sample-${id}.mid`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'MThd');
  return file;
};

describe('catalog.samples', () => {
  it('is the only way in: the database is not public', () => {
    // @ts-expect-error the type check fails here if Catalog.db becomes public again
    expect(c.db).toBe(Catalog.internalDb(c));
  });

  it('records a sample with its file, and reads it back through one mapping', () => {
    const s = c.samples.add(sample(), writeFile);
    expect(s).toMatchObject({
      runId: 'run-1',
      checkpointStep: 10,
      encoding: 'notewise',
      prompt: { kind: 'none', words: 0 },
      seed: 7,
      bpm: 90,
      meter: '3/4',
      key: 'D minor',
    });
    expect(s).toMatchObject({
      durationS: 12.5,
      tokens: 300,
      noteCount: 40,
      title: 'Sample 7-1',
      starred: false,
      note: '',
      parentId: null,
      criticP: null,
      novel: null,
    });
    expect(s.file).toBe(path.join(home, 'samples', `sample-${s.id}.mid`));
    expect(c.samples.get(s.id)).toEqual(s);
    expect(c.samples.list()).toEqual([s]);
  });

  it('stores paths inside the data folder relative to it', () => {
    const s = c.samples.add(sample(), writeFile);
    const stored = Catalog.internalDb(c).prepare(`SELECT file, checkpoint_path FROM samples WHERE id = ?`).get(s.id);
    expect(stored).toEqual({ file: `samples/sample-${s.id}.mid`, checkpoint_path: 'runs/run-1/best-00000010' });
  });

  it('reads samples stored before tempo, metre and key were kept as 120 bpm, 4/4, no key', () => {
    const s = c.samples.add(sample({ options: { sampling: {} } as unknown as NewSample['options'] }), writeFile);
    expect(c.samples.get(s.id)).toMatchObject({ bpm: 120, meter: '4/4', key: null });
  });

  it('records nothing when the file cannot be written', () => {
    expect(() =>
      c.samples.add(sample(), () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(c.samples.list()).toEqual([]);
  });

  it('keeps the lineage, cleared when the parent goes', () => {
    const parent = c.samples.add(sample(), writeFile);
    const child = c.samples.add(
      sample({ parentId: parent.id, prompt: { kind: 'sample', sampleId: parent.id, words: 50 } }),
      writeFile,
    );
    expect(c.samples.get(child.id)).toMatchObject({
      parentId: parent.id,
      prompt: { kind: 'sample', sampleId: parent.id, words: 50 },
    });
    expect(c.samples.remove(parent.id)).toBe(true);
    expect(c.samples.get(child.id).parentId).toBeNull();
  });

  it('edits titles, notes and stars, refusing bad values by field', () => {
    const s = c.samples.add(sample(), writeFile);
    expect(c.samples.update(s.id, { title: '  Nocturne  ', note: 'keep', starred: true })).toMatchObject({
      title: 'Nocturne',
      note: 'keep',
      starred: true,
    });
    expect(() => c.samples.update(s.id, { title: ' ' })).toThrow(/title: must be 1 to 200 characters/);
    expect(() => c.samples.update(s.id, { note: 'x'.repeat(10_001) })).toThrow(
      /note: is longer than 10,000 characters/,
    );
    expect(() => c.samples.setStarred(9999, true)).toThrow(/sample: no sample with id 9999/);
    expect(() => c.samples.get(9999)).toThrow(/sample: no sample with id 9999/);
    expect(c.samples.list({ starred: true }).map((r) => r.id)).toEqual([s.id]);
  });

  it('deletes a file inside the data folder, never one outside it', () => {
    const inside = c.samples.add(sample(), writeFile);
    const outsideDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-outside-'));
    try {
      const outside = c.samples.add(sample(), (id) => {
        const f = path.join(outsideDir, `s-${id}.mid`);
        fs.writeFileSync(f, 'MThd');
        return f;
      });
      expect(c.samples.remove(inside.id)).toBe(true);
      expect(fs.existsSync(inside.file)).toBe(false);
      expect(c.samples.remove(outside.id)).toBe(false);
      expect(fs.existsSync(outside.file)).toBe(true);
      expect(c.samples.list()).toEqual([]);
    } finally {
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it('records scores and sorts by them; an errored score leaves its row alone', () => {
    const a = c.samples.add(sample({ runId: 'a' }), writeFile);
    const b = c.samples.add(sample({ runId: 'b' }), writeFile);
    const d = c.samples.add(sample({ runId: 'a' }), writeFile);
    expect(c.samples.files()).toEqual([a, b, d].map((s) => ({ id: s.id, file: s.file })));
    c.samples.putScores(
      [
        {
          id: a.id,
          criticP: 0.2,
          criticScore: -1.4,
          composer: 'Chopin',
          composerP: 0.9,
          composerProbs: { Chopin: 0.9, Bach: 0.1 },
          novel: false,
        },
        {
          id: b.id,
          criticP: 0.8,
          criticScore: 1.4,
          composer: 'Bach',
          composerP: 0.4,
          composerProbs: { Chopin: 0.6, Bach: 0.4 },
          novel: true,
        },
        {
          id: d.id,
          criticP: 0.99,
          criticScore: 4,
          composer: null,
          composerP: null,
          composerProbs: null,
          novel: null,
          error: 'gone',
        },
      ],
      '2025-01-02T00:00:00.000Z',
    );
    expect(c.samples.get(b.id)).toMatchObject({
      criticP: 0.8,
      criticScore: 1.4,
      composer: 'Bach',
      composerP: 0.4,
      novel: true,
    });
    expect(c.samples.get(d.id)).toMatchObject({ criticP: null, novel: null });
    expect(c.samples.list({ sort: 'critic' }).map((s) => s.id)).toEqual([b.id, a.id, d.id]);
    expect(c.samples.list({ sort: 'novelty' }).map((s) => s.id)).toEqual([b.id, a.id, d.id]);
    expect(c.samples.list({ runId: 'a' }).map((s) => s.id)).toEqual([d.id, a.id]);
  });
});

describe('catalog.classifiers', () => {
  it('records classifiers and lists them newest first, by kind', () => {
    const row = (kind: 'critic' | 'composer', at: string) => ({
      kind,
      createdAt: at,
      path: path.join(home, 'classifiers', `${kind}-${at}`),
      checkpointPath: path.join(home, 'runs', 'r', 'best'),
      classes: kind === 'critic' ? ['generated', 'human'] : ['Bach', 'Chopin'],
      heldOutAccuracy: 0.75,
      chance: 0.5,
      metrics: { confusion: [[1]] },
    });
    const first = c.classifiers.add(row('critic', '1'));
    const second = c.classifiers.add(row('composer', '2'));
    const third = c.classifiers.add(row('critic', '3'));
    expect(c.classifiers.list().map((r) => r.id)).toEqual([third, second, first]);
    expect(c.classifiers.list('critic').map((r) => r.id)).toEqual([third, first]);
    expect(c.classifiers.list('composer')[0]).toEqual({
      id: second,
      kind: 'composer',
      createdAt: '2',
      path: path.join(home, 'classifiers', 'composer-2'),
      checkpointPath: path.join(home, 'runs', 'r', 'best'),
      classes: ['Bach', 'Chopin'],
      heldOutAccuracy: 0.75,
      chance: 0.5,
    });
    expect(Catalog.internalDb(c).prepare(`SELECT path FROM classifiers WHERE id = ?`).get(first)).toEqual({
      path: 'classifiers/critic-1',
    });
  });
});
