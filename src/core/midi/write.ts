import { instrumentByPatchID } from '@tonejs/midi/dist/InstrumentMaps.js';
import { PIANO_TRACK, soloByProgram } from '../../shared/instruments';
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
  /** The solo track's name: by default the instrument's (shared/instruments.ts), e.g. "Cello". */
  soloName?: string;
}

/** The name a solo track with this GM program gets: "Cello", "Horn"; the GM name for a program outside the table. */
export function soloTrackName(program: number): string {
  const gm = (instrumentByPatchID as string[])[program];
  return soloByProgram(program)?.name ?? (gm ? gm.replace(/\b\w/g, (c) => c.toUpperCase()) : 'Solo');
}

/**
 * The one way Clara Studio lays out a MIDI file (generated samples and cut regions alike): a type-1
 * file with a conductor track (name, tempo, metre, key), the piano on channel 1 (program 0, track
 * "Piano") and, when it has notes, the solo part on channel 2 with its own program and the
 * instrument's name as its track name ("Cello"), so a DAW shows and plays each part as what it is.
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
  const soloProgram = h.soloProgram ?? 40;
  const parts = [
    { voice: 'p' as const, program: PIANO_TRACK.program, channel: 0, name: PIANO_TRACK.name },
    { voice: 'v' as const, program: soloProgram, channel: 1, name: h.soloName ?? soloTrackName(soloProgram) },
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
