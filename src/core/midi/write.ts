import midiPkg from '@tonejs/midi';
import { keyToPitch } from '../encoding/range';
import type { EncodingOptions } from '../encoding/options';
import type { StepNote } from '../encoding/steps';

const { Midi } = midiPkg;

export interface WriteOptions {
  /** Quarter notes per minute. */
  tempo?: number;
  /** GM program (0-based) of the solo part: 40 violin by default. */
  soloProgram?: number;
  name?: string;
}

/** @tonejs/midi always writes 480 ticks per quarter note; steps that do not divide it are rounded to the tick. */
export const WRITE_PPQ = 480;

/**
 * Writes step notes as a type-1 Standard MIDI File: a conductor track with the tempo, the piano on
 * channel 1 (program 0) and, when present, the solo part on channel 2 with its own program.
 */
export function writeMidi(notes: readonly StepNote[], o: EncodingOptions, opts: WriteOptions = {}): Uint8Array {
  const midi = new Midi();
  midi.header.setTempo(opts.tempo ?? 120);
  if (opts.name) midi.header.name = opts.name;
  const ticksPerStep = WRITE_PPQ / o.sampleFreq;
  const tick = (step: number): number => Math.round(step * ticksPerStep);
  const voices: Array<{ voice: 'p' | 'v'; program: number; channel: number; name: string }> = [
    { voice: 'p', program: 0, channel: 0, name: 'Piano' },
    { voice: 'v', program: opts.soloProgram ?? 40, channel: 1, name: 'Solo' },
  ];
  for (const v of voices) {
    const own = notes.filter((n) => n.voice === v.voice);
    if (own.length === 0 && v.voice === 'v') continue;
    const track = midi.addTrack();
    track.name = v.name;
    track.channel = v.channel;
    track.instrument.number = v.program;
    for (const n of own) {
      track.addNote({
        midi: keyToPitch(n.key, o),
        ticks: tick(n.start),
        durationTicks: tick(n.start + n.dur) - tick(n.start),
        velocity: Math.min(127, Math.max(1, n.velocity)) / 127,
      });
    }
  }
  return midi.toArray();
}
