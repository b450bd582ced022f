// Tracks, ensembles and timing are what the studio shows of a piece: defined in the contract (shared/rows.ts).
import type { Ensemble, PieceTiming, TrackInfo } from '../../shared/rows';

export type { Ensemble, PieceTiming, TrackInfo, TrackRole } from '../../shared/rows';

/** Which voice of the Clara encodings a note belongs to: `p` piano-like, `v` solo (violin-like). */
export type Voice = 'p' | 'v';

/** A note in MIDI ticks. `end` already includes the sustain-pedal extension when that was asked for. */
export interface TickNote {
  pitch: number;
  start: number;
  end: number;
  velocity: number;
  voice: Voice;
  track: number;
}

export interface ParsedPiece extends PieceTiming {
  ppq: number;
  title: string;
  composer: string | null;
  tracks: TrackInfo[];
  notes: TickNote[];
  ensemble: Ensemble;
  durationTicks: number;
  durationSeconds: number;
  /** Things worth telling the user that did not stop the import (ignored drum tracks, …). */
  warnings: string[];
}
