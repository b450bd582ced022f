/**
 * The rows the engine hands out: pieces, imports, runs, checkpoints and samples as the catalog
 * returns them and the StudioApi sends them. They are defined here, in the contract, and the engine
 * imports them (types only), so the renderer reads the same types without a dependency on core and
 * a field added to a row is one edit. Free of zod, and of imports outside shared/.
 */
import type { SoloId } from './instruments';
import type { RunEndCode, RunRequest, RunStatus } from './runStatus';

export type EncodingName = 'notewise' | 'chordwise';

export type Ensemble = 'piano' | 'solo+piano' | 'solo' | 'chamber';

export type TrackRole = 'piano' | 'solo' | 'drums' | 'empty';

export interface TrackInfo {
  index: number;
  name: string;
  channel: number;
  /** General MIDI program, 0-based. */
  program: number;
  family: string;
  instrument: string;
  role: TrackRole;
  noteCount: number;
  /** Why the role was chosen when it was not simply the program (e.g. guessed from the track name). */
  roleReason?: string;
}

/** How a piece's time and key are written: tempo map, metre and key signatures, in ticks. */
export interface PieceTiming {
  tempos: Array<{ tick: number; bpm: number }>;
  timeSignatures: Array<{ tick: number; numerator: number; denominator: number }>;
  keySignatures: Array<{ tick: number; sharps: number; minor: boolean }>;
}

export type Split = 'train' | 'test';
export type ComposerSource = 'user' | 'flag' | 'metadata' | 'folder' | 'unknown';

export interface PieceSummary {
  id: number;
  hash: string;
  path: string;
  fileName: string;
  composer: string;
  composerSource: ComposerSource;
  title: string;
  ensemble: Ensemble;
  split: Split;
  ppq: number;
  noteCount: number;
  durationBeats: number;
  durationSeconds: number;
  /** GM instrument names of the tracks that carry notes, in track order, without repeats. */
  instruments: string[];
  importedAt: string;
}

/** A track as the catalog keeps it: the reader's TrackInfo, with "no reason" stored as null. */
export type TrackRow = Omit<TrackInfo, 'roleReason'> & { roleReason: string | null };

export interface EncodingFacts {
  encoding: EncodingName;
  sampleFreq: number;
  rangeLow: number;
  rangeSize: number;
  soloLow: number;
  validShifts: number[];
  tokenCount: number;
  steps: number;
}

export interface PieceDetail extends PieceSummary {
  /** Tempo map, metre and key signatures as the file writes them (empty when unknown). */
  timing: PieceTiming;
  pedal: boolean;
  warnings: string[];
  tracks: TrackRow[];
  encodings: EncodingFacts[];
}

export interface ImportRecord {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  sources: string[];
  imported: number;
  unchanged: number;
  moved: number;
  failed: number;
  status: 'running' | 'done' | 'cancelled' | 'interrupted';
}

export interface ImportFailure {
  path: string;
  error: string;
}

export interface RunRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  encoding: EncodingName;
  preset: string;
  config: unknown;
  status: RunStatus;
  /** Why it is not running, as a code (shared/runStatus.ts); null while running, and on rows older than the code. */
  endCode: RunEndCode | null;
  endReason: string | null;
  /** What the studio has asked of the process training it (pause, stop, close), until that process answers. */
  requested: RunRequest | null;
  backend: string | null;
  step: number;
  epoch: number;
  bestValLoss: number | null;
  elapsedS: number;
  pid: number | null;
}

export interface CheckpointRow {
  id: number;
  runId: string;
  kind: 'best' | 'latest';
  step: number;
  epoch: number;
  valLoss: number | null;
  trainLoss: number | null;
  path: string;
  createdAt: string;
}

export type PromptSpec =
  | { kind: 'none' }
  | { kind: 'piece'; pieceId: number }
  | { kind: 'file'; path: string }
  | { kind: 'sample'; sampleId: number };

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
  /** The instrument its solo part is written for (shared/instruments.ts id, e.g. "cello"); null when it has none. */
  solo: SoloId | null;
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
