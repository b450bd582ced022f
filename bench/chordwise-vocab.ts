/**
 * Chordwise vocabulary on a corpus (issue #14): how many chords the training pieces in every valid
 * key hold at 4 and 12 steps per quarter, how much of the training text the commonest N cover, and
 * how often a held-out test piece's chord is unseen (and then how far its nearest known chord is).
 * One JSON object.
 *
 *   npm run bench -- chordwise-vocab [--corpus DIR] [--sample-freqs 4,12]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../src/core/catalog/catalog';
import { resolveEncodingOptions } from '../src/core/encoding/options';
import { importPaths } from '../src/core/import/importer';
import { CorpusTokens } from '../src/core/train/corpusTokens';
import { NearestChord } from '../src/core/train/nearestChord';
import { SPECIALS, Vocab } from '../src/core/train/vocab';
import { sharedCorpora } from '../src/testing/corpora';
import { benchOption } from './lib/args';

const corpus = benchOption('corpus', sharedCorpora().piano);
const freqs = benchOption('sample-freqs', '4,12').split(',').map(Number);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-chordvocab-'));

function keysOf(w: string): string {
  return w.replace(/[vp]/g, '');
}

try {
  const catalog = Catalog.open(home);
  await importPaths(catalog, [corpus]);
  const train = catalog.listPieces({ split: 'train' });
  const test = catalog.listPieces({ split: 'test' });
  const result: Record<string, unknown> = {};
  for (const sampleFreq of freqs) {
    const t0 = performance.now();
    const tokens = new CorpusTokens(catalog, 'chordwise', resolveEncodingOptions({ sampleFreq }), 8);
    const counts = new Map<string, number>();
    let trainTokens = 0;
    let items = 0;
    for (const p of train)
      for (const shift of tokens.validShifts(p.id)) {
        items++;
        for (const w of tokens.words({ pieceId: p.id, shift })) {
          counts.set(w, (counts.get(w) ?? 0) + 1);
          trainTokens++;
        }
      }
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const coverage = (n: number): number => sorted.slice(0, n).reduce((s, c) => s + c, 0) / trainTokens;
    const byMinCount = [1, 2, 3, 5, 10].map((minCount) => {
      const kept = sorted.filter((c) => c >= minCount);
      return {
        minCount,
        size: kept.length + SPECIALS.length,
        coverage: +(kept.reduce((s, c) => s + c, 0) / trainTokens).toFixed(5),
      };
    });
    // The held-out test pieces in their own key against the full vocabulary (minimum count 1).
    const vocab = Vocab.fromCounts(counts);
    const near = new NearestChord(vocab.words);
    let testTokens = 0;
    let unseen = 0;
    let distance = 0;
    const unseenTypes = new Set<string>();
    for (const p of test)
      for (const w of tokens.words({ pieceId: p.id, shift: 0 })) {
        testTokens++;
        if (vocab.index.has(w)) continue;
        unseen++;
        unseenTypes.add(w);
        const id = near.nearest(w);
        if (id !== null && !w.startsWith('r')) {
          const a = keysOf(w);
          const b = keysOf(vocab.words[id]!);
          for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) distance++;
        }
      }
    result[`sampleFreq${sampleFreq}`] = {
      trainItems: items,
      trainTokens,
      vocabularySize: vocab.size,
      coverageOfTrainingTokens: {
        top1000: +coverage(1000).toFixed(4),
        top5000: +coverage(5000).toFixed(4),
        top20000: +coverage(20000).toFixed(4),
      },
      byMinCount,
      singletons: sorted.filter((c) => c === 1).length,
      test: {
        pieces: test.length,
        tokens: testTokens,
        unseenTokens: unseen,
        unseenShare: +(unseen / testTokens).toFixed(4),
        unseenChordTypes: unseenTypes.size,
        meanKeysDifferingFromNearest: unseen ? +(distance / unseen).toFixed(2) : 0,
      },
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
  }
  catalog.close();
  process.stdout.write(`${JSON.stringify({ bench: 'chordwise-vocab', corpus, ...result }, null, 2)}\n`);
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
