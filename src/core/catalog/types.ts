import type { PieceTiming } from '../midi/types';
import type { EncodingName } from '../encoding/options';
import type { Ensemble, TrackInfo } from '../midi/types';

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

export type PieceSort = 'title' | 'composer' | 'ensemble' | 'duration' | 'notes' | 'split' | 'imported';

export interface PieceQuery {
  search?: string;
  composer?: string;
  ensemble?: Ensemble;
  split?: Split;
  sort?: PieceSort;
  descending?: boolean;
  limit?: number;
  offset?: number;
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
