import { ClaraError } from '../errors';
import type { DataPaths } from './dataPaths';
import type { Db } from './db';
import type { PromptSpec, SampleRow } from '../../shared/rows';
import { SOLO_IDS, type SoloId } from '../../shared/instruments';

export type { PromptSpec, SampleRow } from '../../shared/rows';

export type SampleSort = 'date' | 'critic' | 'novelty' | 'stars';

export interface SampleQuery {
  starred?: boolean;
  runId?: string;
  sort?: SampleSort;
}

/** How a sample was asked for, stored whole so it can be made again; tempo, metre and key are read back. */
export interface SampleOptions {
  tempo: number;
  meter: string;
  key: string | null;
  [option: string]: unknown;
}

/** What generation says about one sample; the catalog gives it an id and a file. */
export interface NewSample {
  createdAt: string;
  runId: string | null;
  checkpointPath: string;
  checkpointStep: number | null;
  encoding: string;
  prompt: PromptSpec & { words: number };
  options: SampleOptions;
  seed: number;
  batchIndex: number;
  durationS: number;
  tokens: number;
  noteCount: number;
  title: string;
  parentId: number | null;
  /** The solo part's instrument (null or left out: the sample has no solo part). */
  solo?: SoloId | null;
}

/** A sample's scores from the critic and the composer classifier; one with an error is not recorded. */
export interface SampleScores {
  id: number;
  criticP: number | null;
  criticScore: number | null;
  composer: string | null;
  composerP: number | null;
  composerProbs: Record<string, number> | null;
  novel: boolean | null;
  error?: string;
}

const SAMPLE_ORDER: Record<SampleSort, string> = {
  date: 'created_at DESC, id DESC',
  critic: 'critic_score IS NULL, critic_score DESC, id DESC',
  // Novel first (human-like, no composer claims it), then the most human-like.
  novelty: 'novel IS NULL, novel DESC, critic_score IS NULL, critic_score DESC, id DESC',
  stars: 'starred DESC, created_at DESC, id DESC',
};

interface SampleDbRow {
  id: number;
  created_at: string;
  run_id: string | null;
  checkpoint_step: number | null;
  encoding: string;
  prompt: string;
  options: string;
  parent_id: number | null;
  solo: string | null;
  seed: number;
  file: string;
  duration_s: number;
  tokens: number;
  note_count: number;
  title: string;
  starred: number;
  note: string;
  critic_p: number | null;
  critic_score: number | null;
  composer: string | null;
  composer_p: number | null;
  novel: number | null;
}

/** Tempo, metre and key from a sample's stored options (older samples: 120 bpm, 4/4, no key). */
function writtenAs(options: string): Pick<SampleRow, 'bpm' | 'meter' | 'key'> {
  const o = JSON.parse(options) as Partial<SampleOptions>;
  return { bpm: o.tempo ?? 120, meter: o.meter ?? '4/4', key: o.key ?? null };
}

/** A stored solo instrument id, or null for none (or one this version does not know). */
function soloOf(stored: string | null): SoloId | null {
  return stored !== null && (SOLO_IDS as readonly string[]).includes(stored) ? (stored as SoloId) : null;
}

function toSampleRow(r: SampleDbRow, paths: DataPaths): SampleRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    runId: r.run_id,
    checkpointStep: r.checkpoint_step,
    encoding: r.encoding,
    prompt: JSON.parse(r.prompt) as SampleRow['prompt'],
    seed: r.seed,
    file: paths.resolve(r.file),
    ...writtenAs(r.options),
    parentId: r.parent_id,
    solo: soloOf(r.solo),
    durationS: r.duration_s,
    tokens: r.tokens,
    noteCount: r.note_count,
    title: r.title,
    starred: r.starred === 1,
    note: r.note,
    criticP: r.critic_p,
    criticScore: r.critic_score,
    composer: r.composer,
    composerP: r.composer_p,
    novel: r.novel === null ? null : r.novel === 1,
  };
}

/** Generated samples in the catalog: their making, their files, the user's edits and their scores. */
export class Samples {
  constructor(
    private readonly db: Db,
    private readonly paths: DataPaths,
  ) {}

  /**
   * Records a sample and has `write` put its file (named after the new id) where it returns; both
   * or neither: a file that cannot be written leaves no row.
   */
  add(s: NewSample, write: (id: number) => string): SampleRow {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO samples (created_at, run_id, checkpoint_path, checkpoint_step, encoding, prompt, options, seed, batch_index, file, duration_s, tokens, note_count, title, parent_id, solo)
             VALUES (@createdAt, @runId, @cpPath, @cpStep, @encoding, @prompt, @options, @seed, @batchIndex, '', @duration, @tokens, @notes, @title, @parentId, @solo)`,
          )
          .run({
            createdAt: s.createdAt,
            runId: s.runId,
            cpPath: this.paths.toStored(s.checkpointPath),
            cpStep: s.checkpointStep,
            encoding: s.encoding,
            prompt: JSON.stringify(s.prompt),
            options: JSON.stringify(s.options),
            seed: s.seed,
            batchIndex: s.batchIndex,
            duration: s.durationS,
            tokens: s.tokens,
            notes: s.noteCount,
            title: s.title,
            parentId: s.parentId,
            solo: s.solo ?? null,
          }).lastInsertRowid,
      );
      const file = write(id);
      this.db.prepare(`UPDATE samples SET file = ? WHERE id = ?`).run(this.paths.toStored(file), id);
      // The row as the catalog has it: one mapping for new and listed samples alike.
      return this.get(id);
    })();
  }

  /** Samples, newest first unless sorted otherwise; filters for starred and by run. */
  list(q: SampleQuery = {}): SampleRow[] {
    const where: string[] = [];
    if (q.starred) where.push('starred = 1');
    if (q.runId) where.push('run_id = @runId');
    const sql = `SELECT * FROM samples ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${SAMPLE_ORDER[q.sort ?? 'date']}`;
    return (this.db.prepare(sql).all({ ...(q.runId ? { runId: q.runId } : {}) }) as SampleDbRow[]).map((r) =>
      toSampleRow(r, this.paths),
    );
  }

  get(id: number): SampleRow {
    const r = this.db.prepare(`SELECT * FROM samples WHERE id = ?`).get(id) as SampleDbRow | undefined;
    if (!r) throw new ClaraError(`no sample with id ${id}`, 'not-found', 'sample');
    return toSampleRow(r, this.paths);
  }

  /** Every sample's file, oldest first (what scoring them all reads). */
  files(): Array<{ id: number; file: string }> {
    return (
      this.db.prepare(`SELECT id, file FROM samples ORDER BY id`).all() as Array<{ id: number; file: string }>
    ).map((r) => ({ id: r.id, file: this.paths.resolve(r.file) }));
  }

  /** Renames a sample or changes its note; the MIDI file stays where it is. */
  update(id: number, changes: { title?: string; note?: string; starred?: boolean }): SampleRow {
    this.get(id);
    if (changes.title !== undefined) {
      const title = changes.title.trim();
      if (!title || title.length > 200) throw new ClaraError('must be 1 to 200 characters', 'bad-value', 'title');
      this.db.prepare(`UPDATE samples SET title = ? WHERE id = ?`).run(title, id);
    }
    if (changes.note !== undefined) {
      if (changes.note.length > 10_000) throw new ClaraError('is longer than 10,000 characters', 'bad-value', 'note');
      this.db.prepare(`UPDATE samples SET note = ? WHERE id = ?`).run(changes.note, id);
    }
    if (changes.starred !== undefined) this.setStarred(id, changes.starred);
    return this.get(id);
  }

  setStarred(id: number, starred: boolean): void {
    const info = this.db.prepare(`UPDATE samples SET starred = ? WHERE id = ?`).run(starred ? 1 : 0, id);
    if (info.changes === 0) throw new ClaraError(`no sample with id ${id}`, 'not-found', 'sample');
  }

  /**
   * Deletes a sample, and its MIDI file when that lies inside the data folder (a file written
   * elsewhere with `--out` is the user's: it is left alone). Returns whether the file was removed.
   */
  remove(id: number): boolean {
    const s = this.get(id);
    this.db.prepare(`DELETE FROM samples WHERE id = ?`).run(id);
    return this.paths.removeInside(s.file);
  }

  /** Records scores in one transaction; a sample whose scoring failed keeps what it had. */
  putScores(scores: readonly SampleScores[], scoredAt: string): void {
    const update = this.db.prepare(
      `UPDATE samples SET critic_p = @criticP, critic_score = @criticScore, composer = @composer, composer_p = @composerP,
         composer_probs = @probs, novel = @novel, scored_at = @scoredAt WHERE id = @id`,
    );
    this.db.transaction(() => {
      for (const s of scores) {
        if (s.error) continue;
        update.run({
          id: s.id,
          criticP: s.criticP,
          criticScore: s.criticScore,
          composer: s.composer,
          composerP: s.composerP,
          probs: s.composerProbs ? JSON.stringify(s.composerProbs) : null,
          novel: s.novel === null ? null : s.novel ? 1 : 0,
          scoredAt,
        });
      }
    })();
  }
}
