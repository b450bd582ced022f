import fs from 'node:fs';
import path from 'node:path';
import { isWriteFailure } from '../diskErrors';
import { ClaraError } from '../errors';
import { compatibleGivenNames, sameSurname } from '../midi/metadata';
import type { EncodingName, EncodingOptions } from '../encoding/options';
import { maskToShifts } from '../encoding/transpose';
import { readMidi } from '../midi/read';
import { NO_TIMING } from '../midi/tempo';
import type { ParsedPiece, PieceTiming, TickNote } from '../midi/types';
import { catalogFile } from '../paths';
import { DataPaths } from './dataPaths';
import { openCatalogDb, type Db } from './db';
import { Classifiers } from './classifiers';
import { packNotes, unpackNotes } from './notesBlob';
import { Runs } from './runs';
import { Samples } from './samples';
import type {
  ComposerSource,
  EncodingFacts,
  ImportFailure,
  ImportRecord,
  PieceDetail,
  PieceQuery,
  PieceSort,
  PieceSummary,
  Split,
  TrackRow,
} from './types';

export interface NewPiece {
  hash: string;
  path: string;
  fileName: string;
  composer: string;
  composerSource: ComposerSource;
  split: Split;
  pedal: boolean;
  parsed: ParsedPiece;
  /** The notes already packed (by the import worker); `parsed.notes` is then left empty. */
  notesBlob?: Uint8Array;
  encodings: Array<Omit<EncodingFacts, 'validShifts'> & { shiftMask: number }>;
}

const SORT_COLUMNS: Record<PieceSort, string> = {
  title: 'p.title COLLATE NOCASE',
  composer: 'p.composer COLLATE NOCASE',
  ensemble: 'p.ensemble',
  duration: 'p.duration_seconds',
  notes: 'p.note_count',
  split: 'p.split',
  imported: 'p.imported_at',
};

interface PieceRowDb {
  id: number;
  hash: string;
  path: string;
  file_name: string;
  composer: string;
  composer_source: ComposerSource;
  title: string;
  ensemble: PieceSummary['ensemble'];
  split: Split;
  ppq: number;
  note_count: number;
  duration_beats: number;
  duration_seconds: number;
  instruments: string | null;
  imported_at: string;
  pedal: number;
  warnings: string;
}

function toSummary(r: PieceRowDb): PieceSummary {
  return {
    id: r.id,
    hash: r.hash,
    path: r.path,
    fileName: r.file_name,
    composer: r.composer,
    composerSource: r.composer_source,
    title: r.title,
    ensemble: r.ensemble,
    split: r.split,
    ppq: r.ppq,
    noteCount: r.note_count,
    durationBeats: r.duration_beats,
    durationSeconds: r.duration_seconds,
    instruments: r.instruments ? [...new Set(r.instruments.split('\u001f'))] : [],
    importedAt: r.imported_at,
  };
}

const SUMMARY_SELECT = `
  SELECT p.*, (SELECT group_concat(t.instrument, char(31)) FROM (SELECT instrument FROM tracks
     WHERE piece_id = p.id AND role IN ('piano', 'solo') ORDER BY idx) t) AS instruments
  FROM pieces p`;

/**
 * The SQLite catalog: pieces, their notes and per-encoding facts, the history of imports, and (each
 * in its own class) training runs, generated samples and classifiers. Only the catalog writes SQL:
 * a new column is one migration and one mapper here.
 */
export class Catalog {
  readonly runs: Runs;
  readonly samples: Samples;
  readonly classifiers: Classifiers;
  /** The data folder: the catalog's own files are stored relative to it. */
  readonly paths: DataPaths;

  private constructor(
    private readonly db: Db,
    readonly file: string,
  ) {
    this.paths = new DataPaths(file === ':memory:' ? process.cwd() : path.dirname(path.resolve(file)));
    this.runs = new Runs(db, this.paths);
    this.samples = new Samples(db, this.paths);
    this.classifiers = new Classifiers(db, this.paths);
  }

  /**
   * The database itself, for tests and benchmarks that must make states no method makes (an old
   * schema, a hand-edited row, ten thousand copied pieces). Engine code goes through the methods.
   */
  static internalDb(catalog: Catalog): Db {
    return catalog.db;
  }

  static open(dataDir: string): Catalog {
    return Catalog.openFile(catalogFile(dataDir));
  }

  static openFile(file: string): Catalog {
    const catalog = new Catalog(openCatalogDb(file), file);
    // Housekeeping, not a reason to refuse opening: a read-only or full disk skips it.
    if (!catalog.db.readonly) {
      try {
        catalog.markInterruptedImports();
      } catch (err) {
        if (!isWriteFailure(err)) throw err;
      }
    }
    return catalog;
  }

  close(): void {
    this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Runs `fn` in one transaction (nested calls join it): the catalog's writes in it, all or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * An import still `running` whose process is gone, or whose heartbeat stopped, was killed: say so
   * rather than leave it hanging. One that is alive (another process, or this one) is left alone.
   */
  private markInterruptedImports(): void {
    const running = this.db
      .prepare(`SELECT id, pid, heartbeat_at FROM imports WHERE status = 'running'`)
      .all() as Array<{ id: number; pid: number | null; heartbeat_at: string | null }>;
    const dead = running.filter((r) => !importAlive(r.pid, r.heartbeat_at));
    const mark = this.db.prepare(
      `UPDATE imports SET status = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'`,
    );
    for (const r of dead) mark.run(now(), r.id);
  }

  findByHash(hash: string): PieceSummary | undefined {
    const row = this.db.prepare(`${SUMMARY_SELECT} WHERE p.hash = ?`).get(hash) as PieceRowDb | undefined;
    return row && toSummary(row);
  }

  /** Inserts one piece with its tracks, notes and encoding facts in one transaction: all or nothing. */
  insertPiece(p: NewPiece): number {
    const t = now();
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO pieces (hash, path, file_name, composer, composer_source, title, ensemble, split, ppq,
             note_count, duration_beats, duration_seconds, pedal, warnings, timing, imported_at, updated_at)
           VALUES (@hash, @path, @fileName, @composer, @composerSource, @title, @ensemble, @split, @ppq,
             @noteCount, @durationBeats, @durationSeconds, @pedal, @warnings, @timing, @t, @t)`,
        )
        .run({
          hash: p.hash,
          path: p.path,
          fileName: p.fileName,
          composer: p.composer,
          composerSource: p.composerSource,
          title: p.parsed.title,
          ensemble: p.parsed.ensemble,
          split: p.split,
          ppq: p.parsed.ppq,
          noteCount: p.notesBlob ? p.notesBlob.length / NOTE_BYTES : p.parsed.notes.length,
          durationBeats: p.parsed.durationTicks / p.parsed.ppq,
          durationSeconds: p.parsed.durationSeconds,
          pedal: p.pedal ? 1 : 0,
          warnings: JSON.stringify(p.parsed.warnings),
          timing: JSON.stringify({
            tempos: p.parsed.tempos,
            timeSignatures: p.parsed.timeSignatures,
            keySignatures: p.parsed.keySignatures,
          }),
          t,
        });
      const id = Number(info.lastInsertRowid);
      const track = this.db.prepare(
        `INSERT INTO tracks (piece_id, idx, name, channel, program, family, instrument, role, role_reason, note_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const tr of p.parsed.tracks) {
        track.run(
          id,
          tr.index,
          tr.name,
          tr.channel,
          tr.program,
          tr.family,
          tr.instrument,
          tr.role,
          tr.roleReason ?? null,
          tr.noteCount,
        );
      }
      this.db
        .prepare(`INSERT INTO piece_notes (piece_id, data) VALUES (?, ?)`)
        .run(id, p.notesBlob ?? packNotes(p.parsed.notes));
      this.putEncodings(id, p.encodings);
      return id;
    })();
  }

  putEncodings(pieceId: number, rows: NewPiece['encodings']): void {
    const stmt = this.db.prepare(
      `INSERT OR REPLACE INTO piece_encodings (piece_id, encoding, sample_freq, range_low, range_size, solo_low, shift_mask, token_count, steps)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const e of rows)
      stmt.run(
        pieceId,
        e.encoding,
        e.sampleFreq,
        e.rangeLow,
        e.rangeSize,
        e.soloLow,
        e.shiftMask,
        e.tokenCount,
        e.steps,
      );
  }

  updatePath(id: number, path: string, fileName: string): void {
    this.db
      .prepare(`UPDATE pieces SET path = ?, file_name = ?, updated_at = ? WHERE id = ?`)
      .run(path, fileName, now(), id);
  }

  /** Edits what the user may edit; a user-set composer is never overwritten by a later import. */
  updatePiece(id: number, changes: { composer?: string; title?: string }): PieceDetail {
    const existing = this.getPiece(id);
    const composer = changes.composer?.trim();
    const title = changes.title?.trim();
    if (composer === '') throw new ClaraError('must not be empty', 'bad-field', 'composer');
    if (title === '') throw new ClaraError('must not be empty', 'bad-field', 'title');
    this.db
      .prepare(`UPDATE pieces SET composer = ?, composer_source = ?, title = ?, updated_at = ? WHERE id = ?`)
      .run(
        composer ?? existing.composer,
        composer ? 'user' : existing.composerSource,
        title ?? existing.title,
        now(),
        id,
      );
    return this.getPiece(id);
  }

  setComposer(id: number, composer: string, source: ComposerSource): void {
    this.db
      .prepare(`UPDATE pieces SET composer = ?, composer_source = ?, updated_at = ? WHERE id = ?`)
      .run(composer, source, now(), id);
  }

  /** Removes a piece from the catalog; its file on disk is left alone. */
  removePiece(id: number): void {
    const info = this.db.prepare(`DELETE FROM pieces WHERE id = ?`).run(id);
    if (info.changes === 0) throw new ClaraError(`no piece with id ${id}`, 'not-found', 'piece');
  }

  getPiece(id: number): PieceDetail {
    const row = this.db.prepare(`${SUMMARY_SELECT} WHERE p.id = ?`).get(id) as PieceRowDb | undefined;
    if (!row) throw new ClaraError(`no piece with id ${id}`, 'not-found', 'piece');
    const tracks = this.db
      .prepare(
        `SELECT idx AS "index", name, channel, program, family, instrument, role, role_reason AS roleReason, note_count AS noteCount
         FROM tracks WHERE piece_id = ? ORDER BY idx`,
      )
      .all(id) as TrackRow[];
    return {
      ...toSummary(row),
      timing: this.pieceTiming(id),
      pedal: row.pedal === 1,
      warnings: JSON.parse(row.warnings) as string[],
      tracks,
      encodings: this.encodingFacts(id),
    };
  }

  /**
   * A piece's tempo map, metre and key signatures. Pieces imported before these were kept are read
   * once from their file (the catalog never writes there) and remembered; when the file is gone,
   * one tempo that matches the piece's length stands in.
   */
  pieceTiming(id: number): PieceTiming {
    const row = this.db
      .prepare(`SELECT timing, path, ppq, duration_beats, duration_seconds FROM pieces WHERE id = ?`)
      .get(id) as
      | { timing: string | null; path: string; ppq: number; duration_beats: number; duration_seconds: number }
      | undefined;
    if (!row) throw new ClaraError(`no piece with id ${id}`, 'not-found', 'piece');
    if (row.timing) return JSON.parse(row.timing) as PieceTiming;
    let timing: PieceTiming;
    try {
      const parsed = readMidi(fs.readFileSync(row.path), { path: row.path });
      timing = { tempos: parsed.tempos, timeSignatures: parsed.timeSignatures, keySignatures: parsed.keySignatures };
    } catch {
      const bpm = row.duration_seconds > 0 ? (60 * row.duration_beats) / row.duration_seconds : 120;
      return { ...NO_TIMING, tempos: [{ tick: 0, bpm }] };
    }
    if (!this.db.readonly) this.db.prepare(`UPDATE pieces SET timing = ? WHERE id = ?`).run(JSON.stringify(timing), id);
    return timing;
  }

  encodingFacts(pieceId: number): EncodingFacts[] {
    const rows = this.db
      .prepare(
        `SELECT encoding, sample_freq, range_low, range_size, solo_low, shift_mask, token_count, steps
         FROM piece_encodings WHERE piece_id = ? ORDER BY encoding, sample_freq`,
      )
      .all(pieceId) as Array<{
      encoding: EncodingName;
      sample_freq: number;
      range_low: number;
      range_size: number;
      solo_low: number;
      shift_mask: number;
      token_count: number;
      steps: number;
    }>;
    return rows.map((r) => ({
      encoding: r.encoding,
      sampleFreq: r.sample_freq,
      rangeLow: r.range_low,
      rangeSize: r.range_size,
      soloLow: r.solo_low,
      validShifts: maskToShifts(r.shift_mask),
      tokenCount: r.token_count,
      steps: r.steps,
    }));
  }

  /** The facts for one encoding and set of options, or undefined when the piece was not encoded so. */
  encodingFor(pieceId: number, encoding: EncodingName, o: EncodingOptions): EncodingFacts | undefined {
    return this.encodingFacts(pieceId).find(
      (e) =>
        e.encoding === encoding &&
        e.sampleFreq === o.sampleFreq &&
        e.rangeLow === o.rangeLow &&
        e.rangeSize === o.rangeSize &&
        e.soloLow === o.soloLow,
    );
  }

  pieceNotes(id: number): { ppq: number; notes: TickNote[] } {
    const row = this.db
      .prepare(
        `SELECT p.ppq AS ppq, n.data AS data FROM pieces p JOIN piece_notes n ON n.piece_id = p.id WHERE p.id = ?`,
      )
      .get(id) as { ppq: number; data: Buffer } | undefined;
    if (!row) throw new ClaraError(`no piece with id ${id}`, 'not-found', 'piece');
    return { ppq: row.ppq, notes: unpackNotes(row.data) };
  }

  listPieces(q: PieceQuery = {}): PieceSummary[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (q.search?.trim()) {
      // Every word must match title, composer or file name, in any order: "chopin valse" finds it.
      q.search
        .trim()
        .split(/\s+/)
        .forEach((word, i) => {
          where.push(
            `(p.title LIKE @w${i} ESCAPE '\\' OR p.composer LIKE @w${i} ESCAPE '\\' OR p.file_name LIKE @w${i} ESCAPE '\\')`,
          );
          args[`w${i}`] = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        });
    }
    if (q.composer) {
      where.push('p.composer = @composer');
      args.composer = q.composer;
    }
    if (q.ensemble) {
      where.push('p.ensemble = @ensemble');
      args.ensemble = q.ensemble;
    }
    if (q.split) {
      where.push('p.split = @split');
      args.split = q.split;
    }
    const order = `${SORT_COLUMNS[q.sort ?? 'composer']} ${q.descending ? 'DESC' : 'ASC'}, p.title COLLATE NOCASE, p.id`;
    const limit =
      q.limit !== undefined
        ? ` LIMIT ${Math.max(0, Math.floor(q.limit))} OFFSET ${Math.max(0, Math.floor(q.offset ?? 0))}`
        : '';
    const sql = `${SUMMARY_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}${limit}`;
    return (this.db.prepare(sql).all(args) as PieceRowDb[]).map(toSummary);
  }

  countPieces(): { total: number; train: number; test: number; composers: number; notes: number } {
    return this.db
      .prepare(
        `SELECT count(*) AS total, coalesce(sum(split = 'train'), 0) AS train, coalesce(sum(split = 'test'), 0) AS test,
           count(DISTINCT composer) AS composers, coalesce(sum(note_count), 0) AS notes FROM pieces`,
      )
      .get() as { total: number; train: number; test: number; composers: number; notes: number };
  }

  /**
   * The solo parts' GM programs among the training pieces with piano and solo parts (solo+piano and
   * chamber), by how many pieces have one, most first (ties by program).
   */
  trainingSoloPrograms(): Array<{ program: number; pieces: number }> {
    return this.db
      .prepare(
        `SELECT t.program AS program, count(DISTINCT t.piece_id) AS pieces FROM tracks t JOIN pieces p ON p.id = t.piece_id
         WHERE t.role = 'solo' AND p.split = 'train' AND p.ensemble IN ('solo+piano', 'chamber')
         GROUP BY t.program ORDER BY pieces DESC, program`,
      )
      .all() as Array<{ program: number; pieces: number }>;
  }

  composers(): Array<{ composer: string; pieces: number }> {
    return this.db
      .prepare(`SELECT composer, count(*) AS pieces FROM pieces GROUP BY composer ORDER BY composer COLLATE NOCASE`)
      .all() as Array<{ composer: string; pieces: number }>;
  }

  /**
   * The name to file a composer under, so that "Chopin" from one file's folder and "Frederic Chopin"
   * from another's metadata end up one composer (which the composer classifier needs). The fuller
   * name wins, and pieces already filed under the shorter one by metadata or folder move to it;
   * names the user typed or passed with --composer are never touched. Different given names
   * (J. S. and C. P. E. Bach) stay apart.
   */
  canonicalComposer(name: string): string {
    const matches = this.composers().filter(
      (c) => sameSurname(c.composer, name) && compatibleGivenNames(c.composer, name),
    );
    if (matches.length === 0) return name;
    const fullest = matches.reduce((a, b) =>
      b.composer.length > a.composer.length || (b.composer.length === a.composer.length && b.pieces > a.pieces) ? b : a,
    );
    if (name.length <= fullest.composer.length) return fullest.composer;
    const rename = this.db.prepare(
      `UPDATE pieces SET composer = ?, updated_at = ? WHERE composer = ? AND composer_source IN ('metadata', 'folder')`,
    );
    for (const m of matches) rename.run(name, now(), m.composer);
    return name;
  }

  startImport(sources: string[]): number {
    const t = now();
    return Number(
      this.db
        .prepare(`INSERT INTO imports (started_at, sources, pid, heartbeat_at) VALUES (?, ?, ?, ?)`)
        .run(t, JSON.stringify(sources), process.pid, t).lastInsertRowid,
    );
  }

  /** A running import says it is alive, with what it has committed so far (so a killed one keeps its count). */
  importHeartbeat(importId: number, counts: Pick<ImportRecord, 'imported' | 'unchanged' | 'moved' | 'failed'>): void {
    this.db
      .prepare(
        `UPDATE imports SET heartbeat_at = ?, imported = ?, unchanged = ?, moved = ?, failed = ? WHERE id = ? AND status = 'running'`,
      )
      .run(now(), counts.imported, counts.unchanged, counts.moved, counts.failed, importId);
  }

  recordImportFailure(importId: number, failure: ImportFailure): void {
    this.db
      .prepare(`INSERT INTO import_failures (import_id, path, error) VALUES (?, ?, ?)`)
      .run(importId, failure.path, failure.error);
  }

  finishImport(
    importId: number,
    counts: Pick<ImportRecord, 'imported' | 'unchanged' | 'moved' | 'failed' | 'status'>,
  ): void {
    this.db
      .prepare(
        `UPDATE imports SET finished_at = ?, imported = ?, unchanged = ?, moved = ?, failed = ?, status = ? WHERE id = ?`,
      )
      .run(now(), counts.imported, counts.unchanged, counts.moved, counts.failed, counts.status, importId);
  }

  listImports(limit = 20): ImportRecord[] {
    const rows = this.db.prepare(`SELECT * FROM imports ORDER BY id DESC LIMIT ?`).all(limit) as Array<{
      id: number;
      started_at: string;
      finished_at: string | null;
      sources: string;
      imported: number;
      unchanged: number;
      moved: number;
      failed: number;
      status: ImportRecord['status'];
      pid: number | null;
      heartbeat_at: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      sources: JSON.parse(r.sources) as string[],
      imported: r.imported,
      unchanged: r.unchanged,
      moved: r.moved,
      failed: r.failed,
      // Read as it is, even where the catalog could not record it (a full disk at open).
      status: r.status === 'running' && !importAlive(r.pid, r.heartbeat_at) ? 'interrupted' : r.status,
    }));
  }

  importFailures(importId: number): ImportFailure[] {
    return this.db
      .prepare(`SELECT path, error FROM import_failures WHERE import_id = ? ORDER BY rowid`)
      .all(importId) as ImportFailure[];
  }
}

/** A running import refreshes its heartbeat every few seconds; one silent this long is dead. */
export const IMPORT_STALE_MS = 2 * 60_000;
const NOTE_BYTES = 24;

function importAlive(pid: number | null, heartbeatAt: string | null): boolean {
  if (pid === null || heartbeatAt === null) return false;
  if (Date.now() - Date.parse(heartbeatAt) > IMPORT_STALE_MS) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function now(): string {
  return new Date().toISOString();
}
