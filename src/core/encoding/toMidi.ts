import { keyToPitch } from './range';
import type { EncodingOptions } from './options';
import type { StepNote } from './steps';
import { writeParts } from '../midi/write';
import { placeSoloPart } from '../midi/soloRange';
import type { GmInstrument } from '../../shared/instruments';

export interface WriteOptions {
  /** Quarter notes per minute. */
  tempo?: number;
  /** GM program (0-based) of the solo part: 40 violin by default. */
  soloProgram?: number;
  /**
   * The solo part's instrument: its program and name are written, and the `v` part (in violin
   * range, as Clara encodes every solo part) moves by octaves into its range. Overrides soloProgram.
   */
  solo?: Pick<GmInstrument, 'program' | 'name' | 'low' | 'high'>;
  name?: string;
  /** The metre written in the conductor track (4/4 when not given). */
  timeSignature?: { numerator: number; denominator: number };
  /** A key signature for the conductor track (sharps, negative for flats), so a DAW shows the key. */
  keySignature?: { sharps: number; minor: boolean };
}

/** Ticks per quarter note that make every step a whole number of ticks. */
export function ppqFor(sampleFreq: number): number {
  return 480 % sampleFreq === 0 ? 480 : sampleFreq * 40;
}

/** Writes step notes as a Standard MIDI File, laid out as every file Clara Studio writes (midi/write.ts). */
export function writeMidi(notes: readonly StepNote[], o: EncodingOptions, opts: WriteOptions = {}): Uint8Array {
  return writeMidiCounted(notes, o, opts).bytes;
}

/** writeMidi, and how many notes the file holds (fewer than given where moving the solo part merged two onsets on a key). */
export function writeMidiCounted(
  notes: readonly StepNote[],
  o: EncodingOptions,
  opts: WriteOptions = {},
): { bytes: Uint8Array; noteCount: number } {
  const ppq = ppqFor(o.sampleFreq);
  const ticksPerStep = ppq / o.sampleFreq;
  const written = notes.map((n) => ({
    pitch: keyToPitch(n.key, o),
    start: n.start * ticksPerStep,
    end: (n.start + n.dur) * ticksPerStep,
    velocity: n.velocity,
    voice: n.voice,
  }));
  const ticks = opts.solo ? placeSoloPart(written, opts.solo) : written;
  const bytes = writeParts(ppq, ticks, {
    name: opts.name ?? 'Clara Studio',
    bpm: opts.tempo ?? 120,
    timeSignature: opts.timeSignature,
    keySignature: opts.keySignature,
    soloProgram: opts.solo?.program ?? opts.soloProgram,
    soloName: opts.solo?.name,
  });
  return { bytes, noteCount: ticks.length };
}
