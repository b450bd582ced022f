import fs from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import { bundledClassifierDir } from '../corpus/demo';
import { encodePiece } from '../encoding';
import { ClaraError, errorMessage } from '../errors';
import { getSample } from '../generate/samples';
import { readMidi } from '../midi/read';
import { Classifier, type ClassifierKind } from './classifier';
import { criticScore, inceptionScore, isNovel } from './scores';

/** The classifier of a kind that scores samples: the newest trained one, else the bundled one. */
export function currentClassifierDir(catalog: Catalog, kind: ClassifierKind): string | null {
  const rows = catalog.db.prepare(`SELECT path FROM classifiers WHERE kind = ? ORDER BY id DESC`).all(kind) as Array<{ path: string }>;
  for (const r of rows) {
    const dir = catalog.paths.resolve(r.path);
    if (fs.existsSync(`${dir}/classifier.json`)) return dir;
  }
  return bundledClassifierDir(`piano-notewise-${kind}`);
}

export interface ClassifierRow {
  id: number;
  kind: ClassifierKind;
  createdAt: string;
  path: string;
  checkpointPath: string;
  classes: string[];
  heldOutAccuracy: number;
  chance: number;
}

export function listClassifiers(catalog: Catalog): ClassifierRow[] {
  const rows = catalog.db.prepare(`SELECT * FROM classifiers ORDER BY id DESC`).all() as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: r.id as number,
    kind: r.kind as ClassifierKind,
    createdAt: r.created_at as string,
    path: catalog.paths.resolve(r.path as string),
    checkpointPath: catalog.paths.resolve(r.checkpoint_path as string),
    classes: JSON.parse(r.classes as string) as string[],
    heldOutAccuracy: r.held_out_accuracy as number,
    chance: r.chance as number,
  }));
}

export interface SampleScore {
  id: number;
  criticP: number | null;
  criticScore: number | null;
  composer: string | null;
  composerP: number | null;
  composerProbs: Record<string, number> | null;
  novel: boolean | null;
  error?: string;
}

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
export function scoreSamples(catalog: Catalog, ids: number[] = [], dirs: { critic?: string | null; composer?: string | null } = {}): ScoreResult {
  const criticDir = dirs.critic !== undefined ? dirs.critic : currentClassifierDir(catalog, 'critic');
  const composerDir = dirs.composer !== undefined ? dirs.composer : currentClassifierDir(catalog, 'composer');
  if (!criticDir && !composerDir) throw new ClaraError('no critic or composer classifier yet: train one with `clara critic train` or `clara composer train`', 'not-found', 'classifier');
  const rows: Array<{ id: number; file: string }> = ids.length
    ? ids.map((id) => getSample(catalog, id))
    : (catalog.db.prepare(`SELECT id, file FROM samples ORDER BY id`).all() as Array<{ id: number; file: string }>).map((r) => ({ id: r.id, file: catalog.paths.resolve(r.file) }));
  const scores: SampleScore[] = rows.map((r) => ({ id: r.id, criticP: null, criticScore: null, composer: null, composerP: null, composerProbs: null, novel: null }));

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
  const scoredAt = new Date().toISOString();
  const update = catalog.db.prepare(
    `UPDATE samples SET critic_p = @criticP, critic_score = @criticScore, composer = @composer, composer_p = @composerP,
       composer_probs = @probs, novel = @novel, scored_at = @scoredAt WHERE id = @id`,
  );
  catalog.db.transaction(() => {
    for (const s of scores) {
      if (s.error) continue;
      if (s.criticP !== null && s.composerProbs) s.novel = isNovel(s.criticP, Object.values(s.composerProbs));
      update.run({ ...s, probs: s.composerProbs ? JSON.stringify(s.composerProbs) : null, novel: s.novel === null ? null : s.novel ? 1 : 0, scoredAt });
    }
  })();
  return { scores, inceptionScore: composerProbs.length ? inceptionScore(composerProbs) : null, critic: criticDir, composer: composerDir };
}
