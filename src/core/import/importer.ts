import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Catalog, NewPiece } from '../catalog/catalog';
import type { ComposerSource, ImportFailure } from '../catalog/types';
import { encodeSteps } from '../encoding';
import { ENCODINGS, resolveEncodingOptions, type EncodingName, type EncodingOptions } from '../encoding/options';
import { quantize } from '../encoding/steps';
import { shiftsToMask, validShifts } from '../encoding/transpose';
import { errorMessage } from '../errors';
import { readMidi } from '../midi/read';
import type { ParsedPiece } from '../midi/types';
import { DEFAULT_TEST_FRACTION, splitForHash } from './split';
import { collectMidiFiles, composerFolder, type FoundFile } from './walk';

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
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
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
  results: ImportFileResult[];
}

export function hashBytes(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

function fileStem(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '');
}

export function chooseComposer(flag: string | undefined, parsed: ParsedPiece, file: FoundFile): { composer: string; source: ComposerSource } {
  if (flag?.trim()) return { composer: flag.trim(), source: 'flag' };
  if (parsed.composer) return { composer: parsed.composer, source: 'metadata' };
  const folder = composerFolder(file);
  if (folder && folder !== '.' && folder !== path.sep) return { composer: folder, source: 'folder' };
  return { composer: 'Unknown', source: 'unknown' };
}

/** Facts for each requested encoding: the valid transpositions and how many words the piece makes. */
export function encodingFacts(parsed: ParsedPiece, requests: NonNullable<ImportOptions['encodings']>): NewPiece['encodings'] {
  const cache = new Map<string, ReturnType<typeof quantize>>();
  const withSolo = parsed.notes.some((n) => n.voice === 'v');
  return requests.map(({ encoding, options }) => {
    const o = resolveEncodingOptions(options);
    const cacheKey = `${o.sampleFreq}/${o.rangeLow}/${o.rangeSize}/${o.soloLow}`;
    let steps = cache.get(cacheKey);
    if (!steps) {
      steps = quantize(parsed.notes, parsed.ppq, o);
      cache.set(cacheKey, steps);
    }
    const words = encodeSteps(steps, encoding, o, withSolo);
    const lastStep = steps.reduce((m, n) => Math.max(m, n.start + n.dur), 0);
    return { encoding, ...o, shiftMask: shiftsToMask(validShifts(steps, o)), tokenCount: words.length, steps: lastStep };
  });
}

const DEFAULT_ENCODINGS = ENCODINGS.map((encoding) => ({ encoding }));

/**
 * Imports MIDI files and folders into the catalog. A bad file never stops the run: it is reported
 * with its path and reason, and each good piece commits in its own transaction, so a killed import
 * leaves every piece either fully catalogued or absent.
 */
export async function importPaths(catalog: Catalog, inputs: readonly string[], opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = performance.now();
  const { files, failed: walkFailed } = collectMidiFiles(inputs);
  const importId = catalog.startImport(inputs.map((i) => path.resolve(i)));
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
  };
  const record = (r: ImportFileResult): void => {
    report.results.push(r);
    if (r.status === 'failed') {
      const f = { path: r.path, error: r.error ?? 'unknown error' };
      report.failed.push(f);
      catalog.recordImportFailure(importId, f);
    } else report[r.status]++;
    opts.onProgress?.({ done: report.results.length, total: report.total, current: r });
  };
  for (const f of walkFailed) record({ path: f.path, status: 'failed', error: f.error });

  const pedal = opts.pedal ?? true;
  const encodings = opts.encodings ?? DEFAULT_ENCODINGS;
  for (const file of files) {
    if (opts.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    record(importOne(catalog, file, { ...opts, pedal, encodings }));
    // Let signals, progress messages and cancellation in between files.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  catalog.finishImport(importId, {
    imported: report.imported,
    unchanged: report.unchanged + report.duplicate,
    moved: report.moved,
    failed: report.failed.length,
    status: report.cancelled ? 'cancelled' : 'done',
  });
  report.elapsedMs = performance.now() - t0;
  return report;
}

function importOne(
  catalog: Catalog,
  found: FoundFile,
  opts: ImportOptions & { pedal: boolean; encodings: NonNullable<ImportOptions['encodings']> },
): ImportFileResult {
  const file = found.path;
  try {
    const bytes = fs.readFileSync(file);
    const hash = hashBytes(bytes);
    const known = catalog.findByHash(hash);
    if (known) {
      if (opts.composer?.trim() && known.composerSource !== 'user' && known.composer !== opts.composer.trim()) {
        catalog.setComposer(known.id, opts.composer.trim(), 'flag');
      }
      const base = { path: file, pieceId: known.id, title: known.title, composer: opts.composer?.trim() || known.composer };
      if (known.path === file) return { ...base, status: 'unchanged' };
      if (fs.existsSync(known.path)) return { ...base, status: 'duplicate', duplicateOf: known.path };
      catalog.updatePath(known.id, file, path.basename(file));
      return { ...base, status: 'moved' };
    }
    const parsed = readMidi(bytes, { path: file, pedal: opts.pedal, fileStem: fileStem(file) });
    const chosen = chooseComposer(opts.composer, parsed, found);
    const source = chosen.source;
    const composer = source === 'metadata' || source === 'folder' ? catalog.canonicalComposer(chosen.composer) : chosen.composer;
    const pieceId = catalog.insertPiece({
      hash,
      path: file,
      fileName: path.basename(file),
      composer,
      composerSource: source,
      split: splitForHash(hash, opts.testFraction ?? DEFAULT_TEST_FRACTION),
      pedal: opts.pedal,
      parsed,
      encodings: encodingFacts(parsed, opts.encodings),
    });
    return { path: file, status: 'imported', pieceId, title: parsed.title, composer };
  } catch (err) {
    // readMidi errors already name the file; others (I/O, SQLite) get it prefixed here.
    const msg = errorMessage(err);
    return { path: file, status: 'failed', error: msg.startsWith(file) ? msg.slice(file.length + 2) : msg };
  }
}
