/** Which voice of the Clara encodings a note belongs to: `p` piano-like, `v` solo (violin-like). */
export type Voice = 'p' | 'v';

export type TrackRole = 'piano' | 'solo' | 'drums' | 'empty';

export type Ensemble = 'piano' | 'solo+piano' | 'solo' | 'chamber';

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

/** A note in MIDI ticks. `end` already includes the sustain-pedal extension when that was asked for. */
export interface TickNote {
  pitch: number;
  start: number;
  end: number;
  velocity: number;
  voice: Voice;
  track: number;
}

/** How a piece's time and key are written: tempo map, metre and key signatures, in ticks. */
export interface PieceTiming {
  tempos: Array<{ tick: number; bpm: number }>;
  timeSignatures: Array<{ tick: number; numerator: number; denominator: number }>;
  keySignatures: Array<{ tick: number; sharps: number; minor: boolean }>;
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
