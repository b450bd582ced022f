import { encodeSmf, type SmfEvent } from './smf';
import type { TickNote } from './types';

export interface PartsHeader {
  /** The conductor track's name (a DAW shows it as the song's). */
  name: string;
  /** Quarter notes per minute. */
  bpm: number;
  /** 4/4 when not given. */
  timeSignature?: { numerator: number; denominator: number };
  /** Sharps (negative for flats), so a DAW shows the key. */
  keySignature?: { sharps: number; minor: boolean };
  /** GM program (0-based) of the solo part: 40 violin by default. */
  soloProgram?: number;
}

/**
 * The one way Clara Studio lays out a MIDI file (generated samples and cut regions alike): a type-1
 * file with a conductor track (name, tempo, metre, key), the piano on channel 1 (program 0) and,
 * when it has notes, the solo part on channel 2 with its own program.
 */
export function writeParts(
  ppq: number,
  notes: ReadonlyArray<Pick<TickNote, 'pitch' | 'start' | 'end' | 'velocity' | 'voice'>>,
  h: PartsHeader,
): Uint8Array {
  const tracks: SmfEvent[][] = [
    [
      { tick: 0, type: 'trackName', text: h.name },
      { tick: 0, type: 'tempo', microsecondsPerBeat: Math.round(60_000_000 / h.bpm) },
      {
        tick: 0,
        type: 'timeSignature',
        numerator: h.timeSignature?.numerator ?? 4,
        denominator: h.timeSignature?.denominator ?? 4,
      },
      ...(h.keySignature ? [{ tick: 0, type: 'keySignature' as const, ...h.keySignature }] : []),
    ],
  ];
  const parts = [
    { voice: 'p' as const, program: 0, channel: 0, name: 'Piano' },
    { voice: 'v' as const, program: h.soloProgram ?? 40, channel: 1, name: 'Solo' },
  ];
  for (const part of parts) {
    const own = notes.filter((n) => n.voice === part.voice);
    if (own.length === 0 && part.voice === 'v') continue;
    const { channel } = part;
    const body: Array<SmfEvent & { order: number }> = [];
    for (const n of own) {
      const velocity = Math.min(127, Math.max(1, Math.round(n.velocity)));
      // Note-offs sort before note-ons on the same tick, so a re-struck key is not cut short.
      body.push({ tick: n.start, order: 1, type: 'noteOn', channel, note: n.pitch, velocity });
      body.push({ tick: n.end, order: 0, type: 'noteOff', channel, note: n.pitch, velocity: 64 });
    }
    body.sort((a, b) => a.tick - b.tick || a.order - b.order);
    tracks.push([
      { tick: 0, type: 'trackName', text: part.name },
      { tick: 0, type: 'program', channel, program: part.program },
      ...body,
    ]);
  }
  return encodeSmf(ppq, tracks);
}
