/**
 * The StudioApi contract: one typed set of methods that the renderer calls, served over Electron
 * IPC by the main process and over HTTP by `clara serve`, so the renderer never knows which. Every
 * payload is validated with these schemas on the receiving side before it reaches the engine.
 */
import { z } from 'zod';
import type { CheckpointRow, ImportFailure, ImportRecord, PieceDetail, PieceSummary, RunRow, SampleRow } from './rows';
import type { ApiMethod, JobInfo } from './methods';
import type { RunMetrics } from './events';
import { generateOptions, trainOptions } from './options';
import { MIDI_EXTENSIONS_TEXT, isMidiFileName } from './midiFiles';

export type { CheckpointRow, ImportFailure, ImportRecord, JobInfo, PieceDetail, PieceSummary, RunRow, SampleRow };
export { API_METHODS, type ApiMethod, type StudioEvent } from './methods';
export type { EvalMetric, RunMetrics, TrainEvent, TrainEventOf, TrainMetric } from './events';
export type { RunEndCode, RunRequest, RunStatus } from './runStatus';

const ensemble = z.enum(['piano', 'solo+piano', 'solo', 'chamber']);
const split = z.enum(['train', 'test']);
const id = z.number().int().positive();
const runId = z.string().regex(/^[\w-]{1,64}$/, 'is not a run id');
const empty = z.object({}).strict();

/**
 * A path inside an upload, as a browser gives it for a dropped folder ("Chopin/op28.mid"): relative,
 * no `..`, no drive or root, a MIDI file. Anything else is refused before a byte is written.
 */
export const uploadPath = z
  .string()
  .min(1)
  .max(400)
  .refine((p) => !p.startsWith('/') && !p.startsWith('\\') && !/^[a-zA-Z]:/.test(p), 'must be a relative path')
  .refine(
    (p) => p.split(/[\\/]/).every((s) => s !== '..' && s !== '.' && s !== ''),
    'must not contain "..", "." or empty parts',
  )
  .refine((p) => !/[\u0000-\u001f<>:"|?*]/.test(p), 'contains characters not allowed in file names')
  .refine(isMidiFileName, `must be a ${MIDI_EXTENSIONS_TEXT} file`);

export const schemas = {
  capabilities: empty,
  catalogSummary: empty,
  listPieces: z
    .object({
      search: z.string().max(200).optional(),
      composer: z.string().max(200).optional(),
      ensemble: ensemble.optional(),
      split: split.optional(),
      sort: z.enum(['title', 'composer', 'ensemble', 'duration', 'notes', 'split', 'imported']).optional(),
      descending: z.boolean().optional(),
      limit: z.number().int().min(0).max(100_000).optional(),
      offset: z.number().int().min(0).optional(),
    })
    .strict(),
  getPiece: z.object({ id }).strict(),
  pieceNotes: z.object({ id }).strict(),
  updatePiece: z
    .object({
      id,
      composer: z.string().trim().min(1).max(200).optional(),
      title: z.string().trim().min(1).max(300).optional(),
    })
    .strict(),
  removePiece: z.object({ id }).strict(),
  listImports: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
  importFailures: z.object({ importId: id }).strict(),
  importDemo: empty,
  importDialog: z.object({ folders: z.boolean().optional() }).strict(),
  uploadFile: z
    .object({
      batch: z.string().regex(/^[a-z0-9-]{8,64}$/, 'is not an upload batch id'),
      path: uploadPath,
      // 16 MiB of MIDI, base64 (4/3 larger): far more than any real MIDI file.
      dataBase64: z
        .string()
        .max(Math.ceil((16 * 1024 * 1024 * 4) / 3))
        .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64'),
    })
    .strict(),
  importUploads: z.object({ batch: z.string().regex(/^[a-z0-9-]{8,64}$/, 'is not an upload batch id') }).strict(),
  listJobs: empty,
  cancelJob: z.object({ id: z.string().max(64) }).strict(),
  listRuns: empty,
  runMetrics: z.object({ runId }).strict(),
  // The API takes every training option; the renderer sends the ones its form shows.
  startTraining: trainOptions,
  pauseRun: z.object({ runId }).strict(),
  stopRun: z.object({ runId }).strict(),
  resumeRun: z.object({ runId }).strict(),
  listSamples: z
    .object({
      sort: z.enum(['date', 'critic', 'novelty', 'stars']).optional(),
      starred: z.boolean().optional(),
      runId: runId.optional(),
    })
    .strict(),
  generate: generateOptions
    .extend({
      prompt: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }).strict(),
        z.object({ kind: z.literal('piece'), pieceId: id }).strict(),
        z
          .object({ kind: z.literal('upload'), batch: z.string().regex(/^[a-z0-9-]{8,64}$/), path: uploadPath })
          .strict(),
        z.object({ kind: z.literal('sample'), sampleId: id }).strict(),
      ]),
      seconds: z.number().min(1).max(3600),
      // Fewer at once than the CLI allows: the studio's job list shows each one.
      count: generateOptions.shape.count.unwrap().max(64).default(4),
    })
    .strict(),
  sampleNotes: z.object({ id }).strict(),
  sampleMidi: z.object({ id, fromS: z.number().min(0).optional(), toS: z.number().min(0).optional() }).strict(),
  // The sample (or its loop region) as WAV through the GM soundfont, the renderer `clara render` uses.
  renderSample: z
    .object({
      id,
      fromS: z.number().min(0).optional(),
      toS: z.number().min(0).optional(),
      sampleRate: z.number().int().min(8000).max(192_000).optional(),
    })
    .strict(),
  updateSample: z
    .object({
      id,
      title: z.string().trim().min(1).max(200).optional(),
      note: z.string().max(10_000).optional(),
      starred: z.boolean().optional(),
    })
    .strict(),
  deleteSample: z.object({ id }).strict(),
  scoreSamples: z.object({ ids: z.array(id).max(10_000) }).strict(),
} as const satisfies Record<ApiMethod, z.ZodType>;
/** A payload as validated, defaults filled in: what the engine's handlers receive. */
export type ApiInput<M extends ApiMethod> = z.output<(typeof schemas)[M]>;
/** A payload as a caller writes it: options with a default may be left out. */
export type ApiPayload<M extends ApiMethod> = z.input<(typeof schemas)[M]>;

export interface CatalogSummary {
  total: number;
  train: number;
  test: number;
  composers: Array<{ composer: string; pieces: number }>;
  notes: number;
  dataDir: string;
}

/** Notes for the piano roll and playback, in seconds, as parallel arrays (20,000 notes stay compact). */
export interface NoteArrays {
  pitch: number[];
  start: number[];
  end: number[];
  velocity: number[];
  /** 0 piano, 1 solo instrument. */
  voice: number[];
  seconds: number;
  /** Beats per minute the times were computed at (the piece's average). */
  bpm: number;
  /** GM program of the solo part, when there is one. */
  soloProgram: number | null;
}

export interface Capabilities {
  /** The Electron app: native dialogs and drag-out of files. */
  desktop: boolean;
  backend: string;
  version: string;
}

export interface RunInfo extends RunRow {
  checkpoints: CheckpointRow[];
  /** The job driving it in this studio session, if any. */
  jobId: string | null;
}

export interface ApiOutputs {
  capabilities: Capabilities;
  catalogSummary: CatalogSummary;
  listPieces: PieceSummary[];
  getPiece: PieceDetail;
  pieceNotes: NoteArrays;
  updatePiece: PieceDetail;
  removePiece: { removed: number };
  listImports: ImportRecord[];
  importFailures: ImportFailure[];
  importDemo: JobInfo;
  importDialog: JobInfo | null;
  uploadFile: { stored: string };
  importUploads: JobInfo;
  listJobs: JobInfo[];
  cancelJob: JobInfo;
  listRuns: RunInfo[];
  runMetrics: RunMetrics;
  startTraining: JobInfo;
  pauseRun: JobInfo;
  stopRun: JobInfo;
  resumeRun: JobInfo;
  listSamples: SampleRow[];
  generate: JobInfo;
  sampleNotes: NoteArrays;
  sampleMidi: { name: string; dataBase64: string };
  /** The WAV's name, where it was written (the data folder's exports/), its length, and its bytes. */
  renderSample: { name: string; file: string; seconds: number; dataBase64: string };
  updateSample: SampleRow;
  deleteSample: { deleted: number };
  scoreSamples: JobInfo;
}

export type StudioApi = { [M in ApiMethod]: (input: ApiPayload<M>) => Promise<ApiOutputs[M]> };

/** An error as it crosses IPC or HTTP: a stable code the UI can act on, and a message naming the field or file. */
export interface ApiError {
  code: string;
  message: string;
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(schemas, m);
}

/** Validates a method name and payload from outside; throws an ApiError-shaped object naming the bad field. */
export function validateCall(method: unknown, payload: unknown): { method: ApiMethod; input: unknown } {
  if (!isApiMethod(method))
    throw {
      code: 'bad-method',
      message: `unknown API method ${JSON.stringify(String(method)).slice(0, 80)}`,
    } satisfies ApiError;
  const parsed = schemas[method].safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : 'payload';
    throw { code: 'bad-payload', message: `${method}: ${field}: ${issue.message}` } satisfies ApiError;
  }
  return { method, input: parsed.data };
}

/** Turns anything thrown by the engine into the ApiError the renderer sees. */
export function toApiError(err: unknown): ApiError {
  if (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    'message' in err &&
    typeof (err as ApiError).code === 'string'
  ) {
    return { code: (err as ApiError).code, message: String((err as ApiError).message) };
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
