import { keyToPitch } from './range';
import type { EncodingOptions } from './options';
import type { StepNote } from './steps';
import { encodeSmf, type SmfEvent } from '../midi/smf';

export interface WriteOptions {
  /** Quarter notes per minute. */
  tempo?: number;
  /** GM program (0-based) of the solo part: 40 violin by default. */
  soloProgram?: number;
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

/**
 * Writes step notes as a type-1 Standard MIDI File: a conductor track with tempo and 4/4, the piano
 * on channel 1 (program 0) and, when present, the solo part on channel 2 with its own program.
 */
export function writeMidi(notes: readonly StepNote[], o: EncodingOptions, opts: WriteOptions = {}): Uint8Array {
  const ppq = ppqFor(o.sampleFreq);
  const ticksPerStep = ppq / o.sampleFreq;
  const tracks: SmfEvent[][] = [
    [
      { tick: 0, type: 'trackName', text: opts.name ?? 'Clara Studio' },
      { tick: 0, type: 'tempo', microsecondsPerBeat: Math.round(60_000_000 / (opts.tempo ?? 120)) },
      {
        tick: 0,
        type: 'timeSignature',
        numerator: opts.timeSignature?.numerator ?? 4,
        denominator: opts.timeSignature?.denominator ?? 4,
      },
      ...(opts.keySignature ? [{ tick: 0, type: 'keySignature' as const, ...opts.keySignature }] : []),
    ],
  ];
  const voices = [
    { voice: 'p' as const, program: 0, channel: 0, name: 'Piano' },
    { voice: 'v' as const, program: opts.soloProgram ?? 40, channel: 1, name: 'Solo' },
  ];
  for (const v of voices) {
    const own = notes.filter((n) => n.voice === v.voice);
    if (own.length === 0 && v.voice === 'v') continue;
    const body: Array<SmfEvent & { order: number }> = [];
    for (const n of own) {
      const note = keyToPitch(n.key, o);
      const velocity = Math.min(127, Math.max(1, Math.round(n.velocity)));
      // Note-offs sort before note-ons on the same tick, so a re-struck key is not cut short.
      body.push({ tick: n.start * ticksPerStep, order: 1, type: 'noteOn', channel: v.channel, note, velocity });
      body.push({
        tick: (n.start + n.dur) * ticksPerStep,
        order: 0,
        type: 'noteOff',
        channel: v.channel,
        note,
        velocity: 64,
      });
    }
    body.sort((a, b) => a.tick - b.tick || a.order - b.order);
    tracks.push([
      { tick: 0, type: 'trackName', text: v.name },
      { tick: 0, type: 'program', channel: v.channel, program: v.program },
      ...body,
    ]);
  }
  return encodeSmf(ppq, tracks);
}
