import type { TrackRole } from './types';

/**
 * Piano-like programs keep the `p` voice: the acoustic and electric pianos, harpsichord, clavinet
 * (GM 0–7) and the harp (46), as in the original Clara.
 */
export function isPianoProgram(program: number): boolean {
  return (program >= 0 && program <= 7) || program === 46;
}

/**
 * Melodic solo instruments that Clara moves into violin range under the `v` voice: bowed strings,
 * voices, brass and woodwinds. Anything else (guitars, synths, percussion) has no place in either
 * voice, and a piece that uses it is not a piano or chamber piece.
 */
export function isSoloProgram(program: number): boolean {
  return (
    (program >= 40 && program <= 44) || // violin, viola, cello, contrabass, tremolo strings
    (program >= 52 && program <= 54) || // choir aahs, voice oohs, synth voice
    (program >= 56 && program <= 61) || // trumpet, trombone, tuba, muted trumpet, horn, brass
    (program >= 64 && program <= 79) // saxophones, reeds, pipes
  );
}

/** Track-name words that mark a solo part, for files (LilyPond output among them) that leave every program at 0. */
const SOLO_NAMES: Array<[RegExp, number]> = [
  [/violon?cell|cello/i, 42],
  [/viol(a|e)\b|bratsche|alto\b/i, 41],
  [/viol(in|on|ino)|geige/i, 40],
  [/contrabass|double ?bass/i, 43],
  [/flute|fl[oö]te|flauto|piccolo/i, 73],
  [/recorder|blockfl/i, 74],
  [/clarinet|clarinette|klarinette|clarinetto/i, 71],
  [/oboe|hautbois/i, 68],
  [/bassoon|fagott|basson/i, 70],
  [/horn|cor\b|corno/i, 60],
  [/trumpet|trompete|tromba/i, 56],
  [/trombone|posaune/i, 57],
  [/sax/i, 65],
  [/voice|soprano|tenor|baritone|mezzo|stimme|voce/i, 52],
];

export function soloProgramFromName(name: string): number | null {
  for (const [pattern, program] of SOLO_NAMES) if (pattern.test(name)) return program;
  return null;
}

export interface RoleDecision {
  role: TrackRole;
  program: number;
  reason?: string;
}

/** Decides a track's voice from its program, its channel and, where the program says nothing, its name. */
export function decideRole(args: {
  program: number;
  channel: number;
  percussion: boolean;
  name: string;
  noteCount: number;
}): RoleDecision | { unsupported: string } {
  const { program, name, noteCount } = args;
  if (noteCount === 0) return { role: 'empty', program };
  if (args.percussion || args.channel === 9) return { role: 'drums', program };
  if (isPianoProgram(program)) {
    // Program 0 is also what a file gets when it sets no program at all: trust a telling track name.
    const named = program === 0 ? soloProgramFromName(name) : null;
    if (named !== null) return { role: 'solo', program: named, reason: `guessed from track name "${name}"` };
    return { role: 'piano', program };
  }
  if (isSoloProgram(program)) return { role: 'solo', program };
  return { unsupported: `instrument program ${program}` };
}
