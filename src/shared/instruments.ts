/**
 * The General MIDI solo instruments Clara Studio writes: one table with each instrument's id (the
 * `--solo` value), GM program (0-based), the name its track gets ("Cello": what a DAW shows), its GM
 * family and its practical range as sounding MIDI notes (what a player reaches comfortably, not the
 * extremes). Every program that import reads as a solo part (core/midi/instruments.ts
 * `isSoloProgram`) has a row, so any prompt's solo part keeps its instrument. In shared/ because
 * the generate options (`--solo`, the API schema, the renderer's choices) are built from it.
 */
export interface GmInstrument {
  id: string;
  program: number;
  name: string;
  family: 'strings' | 'ensemble' | 'brass' | 'reed' | 'pipe';
  low: number;
  high: number;
}

export const SOLO_INSTRUMENTS = [
  { id: 'violin', program: 40, name: 'Violin', family: 'strings', low: 55, high: 100 },
  { id: 'viola', program: 41, name: 'Viola', family: 'strings', low: 48, high: 88 },
  { id: 'cello', program: 42, name: 'Cello', family: 'strings', low: 36, high: 76 },
  { id: 'double-bass', program: 43, name: 'Double Bass', family: 'strings', low: 28, high: 67 },
  { id: 'tremolo-strings', program: 44, name: 'Tremolo Strings', family: 'strings', low: 36, high: 96 },
  { id: 'choir', program: 52, name: 'Choir', family: 'ensemble', low: 48, high: 81 },
  { id: 'voice', program: 53, name: 'Voice', family: 'ensemble', low: 55, high: 81 },
  { id: 'synth-voice', program: 54, name: 'Synth Voice', family: 'ensemble', low: 48, high: 84 },
  { id: 'trumpet', program: 56, name: 'Trumpet', family: 'brass', low: 55, high: 82 },
  { id: 'trombone', program: 57, name: 'Trombone', family: 'brass', low: 40, high: 72 },
  { id: 'tuba', program: 58, name: 'Tuba', family: 'brass', low: 29, high: 58 },
  { id: 'muted-trumpet', program: 59, name: 'Muted Trumpet', family: 'brass', low: 55, high: 79 },
  { id: 'horn', program: 60, name: 'Horn', family: 'brass', low: 41, high: 77 },
  { id: 'brass', program: 61, name: 'Brass', family: 'brass', low: 40, high: 84 },
  { id: 'soprano-sax', program: 64, name: 'Soprano Sax', family: 'reed', low: 56, high: 87 },
  { id: 'alto-sax', program: 65, name: 'Alto Sax', family: 'reed', low: 49, high: 80 },
  { id: 'tenor-sax', program: 66, name: 'Tenor Sax', family: 'reed', low: 44, high: 75 },
  { id: 'baritone-sax', program: 67, name: 'Baritone Sax', family: 'reed', low: 36, high: 68 },
  { id: 'oboe', program: 68, name: 'Oboe', family: 'reed', low: 58, high: 91 },
  { id: 'english-horn', program: 69, name: 'English Horn', family: 'reed', low: 52, high: 81 },
  { id: 'bassoon', program: 70, name: 'Bassoon', family: 'reed', low: 34, high: 75 },
  { id: 'clarinet', program: 71, name: 'Clarinet', family: 'reed', low: 50, high: 91 },
  { id: 'piccolo', program: 72, name: 'Piccolo', family: 'pipe', low: 74, high: 105 },
  { id: 'flute', program: 73, name: 'Flute', family: 'pipe', low: 60, high: 96 },
  { id: 'recorder', program: 74, name: 'Recorder', family: 'pipe', low: 65, high: 93 },
  { id: 'pan-flute', program: 75, name: 'Pan Flute', family: 'pipe', low: 60, high: 93 },
  { id: 'bottle', program: 76, name: 'Blown Bottle', family: 'pipe', low: 60, high: 84 },
  { id: 'shakuhachi', program: 77, name: 'Shakuhachi', family: 'pipe', low: 62, high: 91 },
  { id: 'whistle', program: 78, name: 'Whistle', family: 'pipe', low: 72, high: 96 },
  { id: 'ocarina', program: 79, name: 'Ocarina', family: 'pipe', low: 60, high: 84 },
] as const satisfies readonly GmInstrument[];

/** A row of the table, its id one of the known ids. */
export type SoloInstrument = (typeof SOLO_INSTRUMENTS)[number];
export type SoloId = SoloInstrument['id'];

/** The ids, for an enum of `--solo` values. */
export const SOLO_IDS = SOLO_INSTRUMENTS.map((i) => i.id) as [SoloId, ...SoloId[]];

/** What a file gets when nothing else decides: Clara's own solo voice. */
export const DEFAULT_SOLO: SoloId = 'violin';

export function soloById(id: SoloId): SoloInstrument {
  return SOLO_INSTRUMENTS.find((i) => i.id === id)!;
}

/** The table's instrument for a GM program (0-based), or null for one it has no row for (a piano, a guitar). */
export function soloByProgram(program: number): SoloInstrument | null {
  return SOLO_INSTRUMENTS.find((i) => i.program === program) ?? null;
}

/** The piano part's track: what every file Clara Studio writes names it. */
export const PIANO_TRACK = { program: 0, name: 'Piano' } as const;
