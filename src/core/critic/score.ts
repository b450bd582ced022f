import fs from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import type { SampleScores } from '../catalog/samples';
import { bundledClassifierDir } from '../corpus/demo';
import { encodePiece } from '../encoding';
import { ClaraError, errorMessage } from '../errors';
import { readMidi } from '../midi/read';
import { Classifier, type ClassifierKind } from './classifier';
import { criticScore, inceptionScore, isNovel } from './scores';

/** The classifier of a kind that scores samples: the newest trained one, else the bundled one. */
export function currentClassifierDir(catalog: Catalog, kind: ClassifierKind): string | null {
  for (const c of catalog.classifiers.list(kind)) if (fs.existsSync(`${c.path}/classifier.json`)) return c.path;
  return bundledClassifierDir(`piano-notewise-${kind}`);
}

/** A sample's scores, in the shape the catalog records them. */
export type SampleScore = SampleScores;

export interface ScoreResult {
  scores: SampleScore[];
  /** exp(E[KL(p(composer|x) ‖ p(composer))]) over the scored samples; null without a composer classifier. */
  inceptionScore: number | null;
  critic: string | null;
  composer: string | null;
}

function sequenceOf(file: string, c: Classifier): Int32Array {
  const piece = readMidi(fs.readFileSync(file), { path: file });
  return c.vocab.ids(encodePiece(piece, c.meta.encoding, c.meta.encodingOptions));
}

/**
 * Scores samples (all of them when `ids` is empty) with the current critic and composer classifier,
 * and writes the scores to the catalog. A sample whose file is gone or unreadable is reported and
 * skipped; the others are still scored.
 */
export function scoreSamples(
  catalog: Catalog,
  ids: number[] = [],
  dirs: { critic?: string | null; composer?: string | null } = {},
): ScoreResult {
  const criticDir = dirs.critic !== undefined ? dirs.critic : currentClassifierDir(catalog, 'critic');
  const composerDir = dirs.composer !== undefined ? dirs.composer : currentClassifierDir(catalog, 'composer');
  if (!criticDir && !composerDir)
    throw new ClaraError(
      'no critic or composer classifier yet: train one with `clara critic train` or `clara composer train`',
      'not-found',
      'classifier',
    );
  const rows: Array<{ id: number; file: string }> = ids.length
    ? ids.map((id) => catalog.samples.get(id))
    : catalog.samples.files();
  const scores: SampleScore[] = rows.map((r) => ({
    id: r.id,
    criticP: null,
    criticScore: null,
    composer: null,
    composerP: null,
    composerProbs: null,
    novel: null,
  }));

  const run = (dir: string | null, use: (c: Classifier, probs: Float32Array[], at: number[]) => void) => {
    if (!dir) return;
    const c = Classifier.load(dir);
    try {
      const seqs: Int32Array[] = [];
      const at: number[] = [];
      rows.forEach((r, i) => {
        try {
          seqs.push(sequenceOf(r.file, c));
          at.push(i);
        } catch (err) {
          scores[i]!.error = errorMessage(err);
        }
      });
      use(c, c.classify(seqs), at);
    } finally {
      c.dispose();
    }
  };
  run(criticDir, (c, probs, at) => {
    const human = c.meta.classes.indexOf('human');
    probs.forEach((p, j) => {
      const s = scores[at[j]!]!;
      s.criticP = p[human]!;
      s.criticScore = criticScore(p[human]!);
    });
  });
  const composerProbs: Float32Array[] = [];
  run(composerDir, (c, probs, at) => {
    probs.forEach((p, j) => {
      const s = scores[at[j]!]!;
      let best = 0;
      for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
      s.composer = c.meta.classes[best]!;
      s.composerP = p[best]!;
      s.composerProbs = Object.fromEntries(c.meta.classes.map((name, k) => [name, Number(p[k]!.toFixed(4))]));
      composerProbs.push(p);
    });
  });
  for (const s of scores)
    if (!s.error && s.criticP !== null && s.composerProbs) s.novel = isNovel(s.criticP, Object.values(s.composerProbs));
  catalog.samples.putScores(scores, new Date().toISOString());
  return {
    scores,
    inceptionScore: composerProbs.length ? inceptionScore(composerProbs) : null,
    critic: criticDir,
    composer: composerDir,
  };
}
