import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { demoCorpusDir } from '../corpus/demo';
import { generateSamples } from '../generate/samples';
import { initBackend } from '../model/backend';
import { Classifier } from './classifier';
import { scoreSamples } from './score';
import { composerClasses, trainComposer, trainCritic } from './train';

// A small slice of the bundled corpus: three composers of clearly different styles.
const SLICE = ['Bach', 'Chopin', 'Debussy'];
let t: TempCatalog;
beforeAll(async () => {
  await initBackend('wasm');
  t = await openTempCatalog(
    'critic',
    SLICE.map((c) => path.join(demoCorpusDir(), c)),
  );
}, 120_000);
afterAll(() => t.dispose());

const small = { checkpoint: 'best', window: 64, head: { epochs: 40 } };

describe('critic', () => {
  it('tells held-out human windows from generated ones better than chance, and is recorded', () => {
    const r = trainCritic(t.catalog, t.home, { ...small, windows: 96 });
    expect(r.classes).toEqual(['generated', 'human']);
    expect(r.metrics.chance).toBeCloseTo(0.5, 1);
    expect(r.metrics.heldOutAccuracy).toBeGreaterThan(0.6);
    expect(r.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.metrics.heldOutWindows);
    // The bundled generator never changes, so its encoder is referenced rather than copied.
    const meta = JSON.parse(fs.readFileSync(path.join(r.dir, 'classifier.json'), 'utf8')) as { encoder: string };
    expect(path.basename(meta.encoder)).toBe('piano-notewise');
    expect(fs.existsSync(path.join(r.dir, 'encoder'))).toBe(false);
    expect(t.catalog.classifiers.list()[0]).toMatchObject({
      kind: 'critic',
      heldOutAccuracy: r.metrics.heldOutAccuracy,
    });
  }, 300_000);
});

describe('composer classifier', () => {
  it('merges composers with too few pieces into "other" and says which', () => {
    const pieces = t.catalog.listPieces();
    const bach = pieces.filter((p) => p.composer.includes('Bach')).length;
    const { classes, merged } = composerClasses(pieces, bach + 1);
    expect(classes).toEqual(['other']);
    expect(merged).toHaveLength(3);
    expect(composerClasses(pieces, 1).classes).toHaveLength(3);
  });

  it('names the composer of held-out pieces better than chance', () => {
    const r = trainComposer(t.catalog, t.home, { ...small, windows: 192, minPieces: 3 });
    expect(r.classes).toHaveLength(3);
    expect(r.metrics.merged).toEqual([]);
    expect(r.metrics.confusion).toHaveLength(3);
    expect(r.metrics.heldOutAccuracy).toBeGreaterThan(r.metrics.chance);
  }, 300_000);

  it('refuses a single composer with a clear error', () => {
    expect(() => trainComposer(t.catalog, t.home, { ...small, composers: ['Bach'] })).toThrow(/at least two composers/);
  });
});

describe('scoring samples', () => {
  it('writes critic and composer scores to the catalog, sorts by them, and reports unreadable files', () => {
    const made = generateSamples(t.catalog, t.home, {
      checkpoint: 'best',
      prompt: { kind: 'none' },
      count: 3,
      tokens: 150,
      sampling: { temperature: 1, topN: 3, truncProb: 0.8 },
      seed: 5,
    });
    fs.writeFileSync(made[2]!.file, 'not midi');
    const r = scoreSamples(t.catalog);
    expect(r.scores).toHaveLength(3);
    expect(r.scores[2]!.error).toMatch(/sample-00003\.mid/);
    for (const s of r.scores.slice(0, 2)) {
      expect(s.criticP).toBeGreaterThanOrEqual(0);
      expect(s.criticP).toBeLessThanOrEqual(1);
      expect(Object.values(s.composerProbs!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    }
    expect(r.inceptionScore).toBeGreaterThanOrEqual(1);
    const sorted = t.catalog.samples.list({ sort: 'critic' });
    expect(sorted.at(-1)!.id).toBe(made[2]!.id); // unscored last
    expect(sorted[0]!.criticScore).toBeGreaterThanOrEqual(sorted[1]!.criticScore!);
  }, 120_000);

  it('loads the bundled classifiers when none has been trained', () => {
    const dir = path.resolve('models/piano-notewise-critic');
    const c = Classifier.load(dir);
    try {
      expect(c.meta.classes).toEqual(['generated', 'human']);
      const [p] = c.classify([Int32Array.from({ length: 300 }, (_, i) => 3 + (i % 140))]);
      expect(p![0]! + p![1]!).toBeCloseTo(1, 4);
    } finally {
      c.dispose();
    }
  });
});
