import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog, NewPiece } from '../catalog/catalog';
import type { ComposerSource, ImportFailure } from '../catalog/types';
import { ENCODINGS, type EncodingName, type EncodingOptions } from '../encoding/options';
import { errorMessage } from '../errors';
import { MAX_FILE_BYTES } from '../midi/parse';
import { readMidi } from '../midi/read';
import type { ParsedPiece } from '../midi/types';
import { encodingFacts } from './facts';
import { ParseCancelled, ParseWorker } from './parseWorker';
import { DEFAULT_TEST_FRACTION, splitForHash } from './split';
import { collectMidiFiles, composerFolder, type FoundFile } from './walk';

export { encodingFacts } from './facts';

export type ImportStatus = 'imported' | 'unchanged' | 'moved' | 'duplicate' | 'failed';

export interface ImportFileResult {
  path: string;
  status: ImportStatus;
  pieceId?: number;
  title?: string;
  composer?: string;
  error?: string;
  /** For `duplicate`: the path of the catalogued copy with the same content. */
  duplicateOf?: string;
}

export interface ImportProgress {
  done: number;
  total: number;
  current: ImportFileResult;
}

export interface ImportOptions {
  /** Composer for every piece of this import, over the file's metadata and folder. */
  composer?: string;
  testFraction?: number;
  /** Extend piano notes held by the sustain pedal (default on). */
  pedal?: boolean;
  /** The encodings whose facts (valid shifts, length) are catalogued now; default: both at 12 steps per quarter. */
  encodings?: Array<{ encoding: EncodingName; options?: Partial<EncodingOptions> }>;
  /** Cancels between files, and within one when parsing in a worker (the worker is terminated). */
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /**
   * Parse in a worker thread, so a long file never stalls this thread (the studio's server or
   * Electron main process) and can be cut short. Off by default: library callers and tests run
   * in their own process already and skip the worker's start-up.
   */
  worker?: boolean;
  /** Keep every file's result in the report (default true; off, a huge library's report stays small). */
  keepResults?: boolean;
}

export interface ImportReport {
  importId: number;
  total: number;
  imported: number;
  unchanged: number;
  moved: number;
  duplicate: number;
  failed: ImportFailure[];
  cancelled: boolean;
  elapsedMs: number;
  /** Each file's result, unless `keepResults` was off. */
  results: ImportFileResult[];
  /** Files handled (results kept or not). */
  done: number;
}

export function hashBytes(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function fileStem(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '');
}

export function chooseComposer(
  flag: string | undefined,
  parsed: ParsedPiece,
  file: FoundFile,
): { composer: string; source: ComposerSource } {
  if (flag?.trim()) return { composer: flag.trim(), source: 'flag' };
  if (parsed.composer) return { composer: parsed.composer, source: 'metadata' };
  const folder = composerFolder(file);
  if (folder && folder !== '.' && folder !== path.sep) return { composer: folder, source: 'folder' };
  return { composer: 'Unknown', source: 'unknown' };
}

const DEFAULT_ENCODINGS = ENCODINGS.map((encoding) => ({ encoding }));

/** How often a running import says it is alive (see Catalog.importHeartbeat). */
const HEARTBEAT_MS = 5_000;

/**
 * Imports MIDI files and folders into the catalog. A bad file never stops the run: it is reported
 * with its path and reason, and each good piece commits in its own transaction together with the
 * import's counts, so a killed import leaves every piece either fully catalogued or absent, and its
 * row says how many it committed.
 */
export async function importPaths(
  catalog: Catalog,
  inputs: readonly string[],
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const t0 = performance.now();
  const { files, failed: walkFailed } = collectMidiFiles(inputs);
  const importId = catalog.startImport(inputs.map((i) => path.resolve(i)));
  const keep = opts.keepResults ?? true;
  const report: ImportReport = {
    importId,
    total: files.length + walkFailed.length,
    imported: 0,
    unchanged: 0,
    moved: 0,
    duplicate: 0,
    failed: [],
    cancelled: false,
    elapsedMs: 0,
    results: [],
    done: 0,
  };
  const counts = () => ({
    imported: report.imported,
    unchanged: report.unchanged + report.duplicate,
    moved: report.moved,
    failed: report.failed.length,
  });
  const record = (r: ImportFileResult): void => {
    report.done++;
    if (keep) report.results.push(r);
    if (r.status === 'failed') {
      const f = { path: r.path, error: r.error ?? 'unknown error' };
      report.failed.push(f);
      catalog.recordImportFailure(importId, f);
    } else if (r.status !== 'imported') report[r.status]++;
    opts.onProgress?.({ done: report.done, total: report.total, current: r });
  };
  let lastBeat = Date.now();
  const beat = (): void => {
    lastBeat = Date.now();
    try {
      catalog.importHeartbeat(importId, counts());
    } catch {
      // A missed beat (a busy or full disk) is no reason to stop: the next commit reports a real failure.
    }
  };
  // With the parse in a worker this thread is free, and the timer keeps the heartbeat fresh even
  // during a long file; inline, the beat between files does.
  const timer = setInterval(beat, HEARTBEAT_MS);
  timer.unref();
  const worker = opts.worker ? new ParseWorker() : null;
  const ctx: ImportContext = {
    ...opts,
    pedal: opts.pedal ?? true,
    encodings: opts.encodings ?? DEFAULT_ENCODINGS,
    parser: worker,
    commit: (piece) => {
      const id = catalog.transaction(() => {
        const inserted = catalog.insertPiece(piece);
        catalog.importHeartbeat(importId, { ...counts(), imported: report.imported + 1 });
        return inserted;
      });
      report.imported++;
      return id;
    },
  };
  try {
    for (const f of walkFailed) record({ path: f.path, status: 'failed', error: f.error });
    for (const file of files) {
      if (opts.signal?.aborted) {
        report.cancelled = true;
        break;
      }
      const r = await importOne(catalog, file, ctx);
      if (r === 'cancelled') {
        report.cancelled = true;
        break;
      }
      record(r);
      if (Date.now() - lastBeat > HEARTBEAT_MS) beat();
      // Let requests, signals and progress messages in between files (an unchanged file never awaits).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    clearInterval(timer);
    await worker?.close();
  }
  catalog.finishImport(importId, { ...counts(), status: report.cancelled ? 'cancelled' : 'done' });
  report.elapsedMs = performance.now() - t0;
  return report;
}

type ImportContext = ImportOptions & {
  pedal: boolean;
  encodings: NonNullable<ImportOptions['encodings']>;
  parser: ParseWorker | null;
  /** Inserts a new piece and counts it, in one transaction. */
  commit: (piece: NewPiece) => number;
};

async function importOne(
  catalog: Catalog,
  found: FoundFile,
  opts: ImportContext,
): Promise<ImportFileResult | 'cancelled'> {
  const file = found.path;
  try {
    // Checked before reading: a multi-gigabyte file must not be read into memory to be refused.
    const size = fs.statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      return {
        path: file,
        status: 'failed',
        error: `too large for a MIDI score: ${(size / 1048576).toFixed(1)} MB (limit ${MAX_FILE_BYTES / 1048576} MB)`,
      };
    }
    const bytes = fs.readFileSync(file);
    const hash = hashBytes(bytes);
    const known = catalog.findByHash(hash);
    if (known) {
      if (opts.composer?.trim() && known.composerSource !== 'user' && known.composer !== opts.composer.trim()) {
        catalog.setComposer(known.id, opts.composer.trim(), 'flag');
      }
      const base = {
        path: file,
        pieceId: known.id,
        title: known.title,
        composer: opts.composer?.trim() || known.composer,
      };
      if (known.path === file) return { ...base, status: 'unchanged' };
      if (fs.existsSync(known.path)) return { ...base, status: 'duplicate', duplicateOf: known.path };
      catalog.updatePath(known.id, file, path.basename(file));
      return { ...base, status: 'moved' };
    }
    let parsed: ParsedPiece;
    let encodings: NewPiece['encodings'];
    let notesBlob: Buffer | undefined;
    if (opts.parser) {
      let reply;
      try {
        reply = await opts.parser.parse(
          { bytes, path: file, fileStem: fileStem(file), pedal: opts.pedal, encodings: opts.encodings },
          opts.signal,
        );
      } catch (err) {
        if (err instanceof ParseCancelled) return 'cancelled';
        throw err;
      }
      if (!reply.ok) throw new Error(reply.error);
      ({ parsed, encodings } = reply);
      notesBlob = Buffer.from(reply.notes.buffer, reply.notes.byteOffset, reply.notes.byteLength);
    } else {
      parsed = readMidi(bytes, { path: file, pedal: opts.pedal, fileStem: fileStem(file) });
      encodings = encodingFacts(parsed, opts.encodings);
    }
    const chosen = chooseComposer(opts.composer, parsed, found);
    const source = chosen.source;
    const composer =
      source === 'metadata' || source === 'folder' ? catalog.canonicalComposer(chosen.composer) : chosen.composer;
    const pieceId = opts.commit({
      hash,
      path: file,
      fileName: path.basename(file),
      composer,
      composerSource: source,
      split: splitForHash(hash, opts.testFraction ?? DEFAULT_TEST_FRACTION),
      pedal: opts.pedal,
      parsed,
      ...(notesBlob ? { notesBlob } : {}),
      encodings,
    });
    return { path: file, status: 'imported', pieceId, title: parsed.title, composer };
  } catch (err) {
    // readMidi errors already name the file; others (I/O, SQLite) get it prefixed here.
    const msg = errorMessage(err);
    return { path: file, status: 'failed', error: msg.startsWith(file) ? msg.slice(file.length + 2) : msg };
  }
}
