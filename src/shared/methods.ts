import type { TrainEvent } from './events';

/**
 * The StudioApi's method names, the one list that the schemas (api.ts), the preload bridge and the
 * engine's handlers are checked against. Free of zod, so the sandboxed preload stays small.
 */
export const API_METHODS = [
  'capabilities',
  'catalogSummary',
  'listPieces',
  'getPiece',
  'pieceNotes',
  'updatePiece',
  'removePiece',
  'listImports',
  'importFailures',
  'importDemo',
  'importDialog',
  'uploadFile',
  'importUploads',
  'listJobs',
  'cancelJob',
  'listRuns',
  'runMetrics',
  'startTraining',
  'pauseRun',
  'stopRun',
  'resumeRun',
  'listSamples',
  'generate',
  'sampleNotes',
  'sampleMidi',
  'renderSample',
  'updateSample',
  'deleteSample',
  'scoreSamples',
] as const;

export type ApiMethod = (typeof API_METHODS)[number];

/** Events the engine pushes to the renderer (IPC `studio:event`, or the served twin's WebSocket). */
export type StudioEvent =
  | { type: 'job'; job: JobInfo }
  /** A training job's event, as parsed from the child's output (the schema is in events.ts). */
  | { type: 'train'; runId: string; event: TrainEvent }
  | { type: 'changed'; what: 'pieces' | 'imports' | 'runs' | 'samples' };

export interface JobInfo {
  id: string;
  kind: 'import' | 'train' | 'generate' | 'score';
  title: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  detail: string;
  /** Set when the job has ended: what happened, in a sentence. */
  result?: string;
  error?: string;
  runId?: string;
  importId?: number;
  startedAt: string;
}
