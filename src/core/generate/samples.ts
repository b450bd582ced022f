import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { DataPaths } from '../catalog/dataPaths';
import { decodeWords, encodeSteps, quantize, transpose, type EncodingName, type EncodingOptions, type StepNote } from '../encoding';
import { openingTiming } from '../midi/tempo';
import type { PieceTiming, TickNote } from '../midi/types';
import { keyName, keyOfSteps, shiftBetween, type Key } from './key';
import { ClaraError } from '../errors';
import { readUserFile } from '../files';
import { readMidi } from '../midi/read';
import { loadCheckpoint } from '../model/checkpoint';
import { resolveCheckpoint } from '../train/checkpointRef';
import { Vocab } from '../train/vocab';
import { generate, type GenerateRequest } from './generate';

export type PromptSpec = { kind: 'none' } | { kind: 'piece'; pieceId: number } | { kind: 'file'; path: string } | { kind: 'sample'; sampleId: number };

export interface SampleRow {
  id: number;
  createdAt: string;
  runId: string | null;
  checkpointStep: number | null;
  encoding: string;
  prompt: PromptSpec & { words: number };
  seed: number;
  file: string;
  /** How it is written: tempo, metre and the key asked for (null: none asked). */
  bpm: number;
  meter: string;
  key: string | null;
  /** The sample this one continues, if any. */
  parentId: number | null;
  durationS: number;
  tokens: number;
  noteCount: number;
  title: string;
  starred: boolean;
  note: string;
  /** Critic's p(human) and its log-odds ranking score; null until `clara score`. */
  criticP: number | null;
  criticScore: number | null;
  composer: string | null;
  composerP: number | null;
  novel: boolean | null;
}

export type SampleSort = 'date' | 'critic' | 'novelty' | 'stars';

export interface SampleQuery {
  starred?: boolean;
  runId?: string;
  sort?: SampleSort;
}

const SAMPLE_ORDER: Record<SampleSort, string> = {
  date: 'created_at DESC, id DESC',
  critic: 'critic_score IS NULL, critic_score DESC, id DESC',
  // Novel first (human-like, no composer claims it), then the most human-like.
  novelty: 'novel IS NULL, novel DESC, critic_score IS NULL, critic_score DESC, id DESC',
  stars: 'starred DESC, created_at DESC, id DESC',
};

export interface GenerateSamplesArgs extends Omit<GenerateRequest, 'prompt' | 'key' | 'tempo' | 'timeSignature' | 'noteLimits'> {
  checkpoint: string;
  prompt: PromptSpec;
  promptWords?: number;
  outDir?: string;
  /** Generate in this key: the prompt is moved into it, and the opening leans toward it. */
  key?: Key;
  /** Tempo to write, in quarter notes a minute: else the prompt's, else the training pieces' typical one. */
  bpm?: number;
}

/** A prompt read from wherever it comes from: its step notes, and how to find its timing. */
interface ResolvedPrompt {
  notes: StepNote[];
  /** Tempo and metre of the opening up to a step (the prompt's end). */
  timingUntil: ((step: number) => { bpm: number; numerator: number; denominator: number }) | null;
  parentId: number | null;
}

function resolvePrompt(catalog: Catalog, spec: PromptSpec, o: EncodingOptions): ResolvedPrompt {
  const from = (notes: { notes: TickNote[]; ppq: number }, timing: PieceTiming, parentId: number | null): ResolvedPrompt => ({
    notes: quantize(notes.notes, notes.ppq, o),
    timingUntil: (step) => openingTiming(timing, notes.ppq, (step * notes.ppq) / o.sampleFreq),
    parentId,
  });
  const fromFile = (file: string, parentId: number | null): ResolvedPrompt => {
    const piece = readMidi(readUserFile(file), { path: file });
    return from(piece, piece, parentId);
  };
  switch (spec.kind) {
    case 'none':
      return { notes: [], timingUntil: null, parentId: null };
    case 'piece':
      return from(catalog.pieceNotes(spec.pieceId), catalog.pieceTiming(spec.pieceId), null);
    case 'file':
      return fromFile(spec.path, null);
    case 'sample':
      return fromFile(getSample(catalog, spec.sampleId).file, spec.sampleId);
  }
}

/** Music steps that some words span (their waits; one a word for chordwise). */
function stepsOf(words: readonly string[], encoding: EncodingName): number {
  if (encoding !== 'notewise') return words.length;
  return words.reduce((n, w) => n + (/^wait\d+$/.test(w) ? Number(w.slice(4)) : 0), 0);
}

/**
 * Generates samples from a checkpoint, writes each as a MIDI file and records it in the catalog
 * with everything needed to make it again: checkpoint, prompt, options, seed and batch position.
 */
export function generateSamples(catalog: Catalog, dataDir: string, args: GenerateSamplesArgs, onProgress?: (done: number, total: number) => void): SampleRow[] {
  const cp = resolveCheckpoint(catalog, args.checkpoint);
  const { model, meta } = loadCheckpoint(cp.path);
  try {
    const vocab = new Vocab(meta.vocab);
    const o = meta.encodingOptions;
    const take = args.promptWords ?? 200;
    const prompt = resolvePrompt(catalog, args.prompt, o);
    if (args.prompt.kind !== 'none' && prompt.notes.length === 0) throw new ClaraError('has no notes to continue from', 'bad-prompt', 'prompt');
    // The opening in the model's words; then, for a chosen key, moved there by the smallest shift.
    let words = encodeSteps(prompt.notes, meta.encoding, o, prompt.notes.some((n) => n.voice === 'v')).slice(0, take);
    const timing = prompt.timingUntil?.(stepsOf(words, meta.encoding)) ?? null;
    if (args.key && words.length) {
      const opening = decodeWords(words, meta.encoding, o).notes;
      const from = keyOfSteps(opening, o);
      if (from) {
        const moved = transpose(opening, shiftBetween(from, args.key), o);
        words = encodeSteps(moved, meta.encoding, o, moved.some((n) => n.voice === 'v'));
      }
    }
    const bpm = args.bpm ?? timing?.bpm ?? meta.typicalBpm ?? 120;
    const timeSignature = timing ? { numerator: timing.numerator, denominator: timing.denominator } : undefined;
    const samples = generate(
      model,
      vocab,
      meta.encoding,
      o,
      { ...args, prompt: words, noteLimits: meta.noteLimits, tempo: bpm, timeSignature, key: args.key },
      onProgress,
    );
    const outDir = args.outDir ?? path.join(dataDir, 'samples');
    fs.mkdirSync(outDir, { recursive: true });
    const insert = catalog.db.prepare(
      `INSERT INTO samples (created_at, run_id, checkpoint_path, checkpoint_step, encoding, prompt, options, seed, batch_index, file, duration_s, tokens, note_count, title, parent_id)
       VALUES (@createdAt, @runId, @cpPath, @cpStep, @encoding, @prompt, @options, @seed, @batchIndex, '', @duration, @tokens, @notes, @title, @parentId)`,
    );
    const setFile = catalog.db.prepare(`UPDATE samples SET file = ? WHERE id = ?`);
    const createdAt = new Date().toISOString();
    const promptJson = { ...args.prompt, words: words.length };
    const options = {
      sampling: args.sampling,
      tokens: args.tokens ?? null,
      seconds: args.seconds ?? null,
      tempo: bpm,
      meter: `${timeSignature?.numerator ?? 4}/${timeSignature?.denominator ?? 4}`,
      key: args.key ? keyName(args.key) : null,
      includePrompt: args.includePrompt ?? false,
      promptWords: take,
    };
    return samples.map((s) =>
      catalog.db.transaction(() => {
        const id = Number(
          insert.run({
            createdAt,
            runId: cp.runId,
            cpPath: catalog.paths.toStored(cp.path),
            cpStep: cp.step,
            encoding: meta.encoding,
            prompt: JSON.stringify(promptJson),
            options: JSON.stringify(options),
            seed: args.seed,
            batchIndex: s.index,
            duration: s.seconds,
            tokens: s.tokens,
            notes: s.notes.length,
            title: `Sample ${args.seed}-${s.index + 1}`,
            parentId: prompt.parentId,
          }).lastInsertRowid,
        );
        const file = path.join(outDir, `sample-${String(id).padStart(5, '0')}.mid`);
        fs.writeFileSync(file, s.midi);
        setFile.run(catalog.paths.toStored(file), id);
        // The row as the catalog has it: one mapping for new and listed samples alike.
        return getSample(catalog, id);
      })(),
    );
  } finally {
    model.dispose();
  }
}

interface SampleDbRow {
  id: number;
  created_at: string;
  run_id: string | null;
  checkpoint_step: number | null;
  encoding: string;
  prompt: string;
  options: string;
  parent_id: number | null;
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
  const o = JSON.parse(options) as { tempo?: number; meter?: string; key?: string | null };
  return { bpm: o.tempo ?? 120, meter: o.meter ?? '4/4', key: o.key ?? null };
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

/** Samples in the catalog, newest first unless sorted otherwise; filters for starred and by run. */
export function listSamples(catalog: Catalog, q: SampleQuery = {}): SampleRow[] {
  const where: string[] = [];
  if (q.starred) where.push('starred = 1');
  if (q.runId) where.push('run_id = @runId');
  const sql = `SELECT * FROM samples ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${SAMPLE_ORDER[q.sort ?? 'date']}`;
  return (catalog.db.prepare(sql).all({ ...(q.runId ? { runId: q.runId } : {}) }) as SampleDbRow[]).map((r) => toSampleRow(r, catalog.paths));
}

export function getSample(catalog: Catalog, id: number): SampleRow {
  const r = catalog.db.prepare(`SELECT * FROM samples WHERE id = ?`).get(id) as SampleDbRow | undefined;
  if (!r) throw new ClaraError(`no sample with id ${id}`, 'not-found', 'sample');
  return toSampleRow(r, catalog.paths);
}

/** Renames a sample or changes its note; the MIDI file stays where it is. */
export function updateSample(catalog: Catalog, id: number, changes: { title?: string; note?: string; starred?: boolean }): SampleRow {
  getSample(catalog, id);
  if (changes.title !== undefined) {
    const title = changes.title.trim();
    if (!title || title.length > 200) throw new ClaraError('must be 1 to 200 characters', 'bad-value', 'title');
    catalog.db.prepare(`UPDATE samples SET title = ? WHERE id = ?`).run(title, id);
  }
  if (changes.note !== undefined) {
    if (changes.note.length > 10_000) throw new ClaraError('is longer than 10,000 characters', 'bad-value', 'note');
    catalog.db.prepare(`UPDATE samples SET note = ? WHERE id = ?`).run(changes.note, id);
  }
  if (changes.starred !== undefined) setStarred(catalog, id, changes.starred);
  return getSample(catalog, id);
}

/**
 * Deletes a sample from the catalog, and its MIDI file when that lies inside the data folder (a
 * file written elsewhere with `--out` is the user's: it is left alone). Returns whether the file
 * was removed.
 */
export function deleteSample(catalog: Catalog, id: number): boolean {
  const s = getSample(catalog, id);
  catalog.db.prepare(`DELETE FROM samples WHERE id = ?`).run(id);
  return catalog.paths.removeInside(s.file);
}

export function setStarred(catalog: Catalog, id: number, starred: boolean): void {
  const info = catalog.db.prepare(`UPDATE samples SET starred = ? WHERE id = ?`).run(starred ? 1 : 0, id);
  if (info.changes === 0) throw new ClaraError(`no sample with id ${id}`, 'not-found', 'sample');
}
