import type { NoteArrays } from '../../../shared/api';

/**
 * A small, linear-time Standard MIDI File writer for the renderer: a keyboard recording as a prompt,
 * a piece's notes (or a region of them) for the synthesizer. Type 1: a conductor track with the
 * tempo and metre, then one track per part with its program. Times are in seconds at one tempo.
 */

export interface SmfNote {
  pitch: number;
  /** Seconds. */
  start: number;
  end: number;
  velocity: number;
}

export interface SmfPart {
  name: string;
  /** GM program 0–127. */
  program: number;
  channel: number;
  notes: SmfNote[];
}

export const PPQ = 480;

function vlq(n: number, out: number[]): void {
  const bytes = [n & 0x7f];
  while ((n >>= 7) > 0) bytes.unshift((n & 0x7f) | 0x80);
  out.push(...bytes);
}

function text(type: number, s: string, out: number[]): void {
  const b = new TextEncoder().encode(s);
  out.push(0x00, 0xff, type);
  vlq(b.length, out);
  out.push(...b);
}

function chunk(tag: string, body: number[]): number[] {
  const n = body.length;
  return [
    ...[...tag].map((c) => c.charCodeAt(0)),
    (n >>> 24) & 255,
    (n >>> 16) & 255,
    (n >>> 8) & 255,
    n & 255,
    ...body,
  ];
}

/** The parts as a type-1 MIDI file at `bpm`, in `beatsPerBar`/4. */
export function writeSmf(parts: SmfPart[], opts: { bpm: number; beatsPerBar?: number; title?: string }): Uint8Array {
  const bpm = Math.min(400, Math.max(20, opts.bpm));
  const ticks = (s: number) => Math.max(0, Math.round((s * bpm * PPQ) / 60));
  const conductor: number[] = [];
  text(0x03, opts.title ?? 'Clara Studio', conductor);
  const usPerQuarter = Math.round(60_000_000 / bpm);
  conductor.push(0x00, 0xff, 0x51, 0x03, (usPerQuarter >> 16) & 255, (usPerQuarter >> 8) & 255, usPerQuarter & 255);
  conductor.push(0x00, 0xff, 0x58, 0x04, opts.beatsPerBar ?? 4, 2, 24, 8);
  conductor.push(0x00, 0xff, 0x2f, 0x00);
  const tracks = [chunk('MTrk', conductor)];
  for (const part of parts) {
    const ch = part.channel & 15;
    const body: number[] = [];
    text(0x03, part.name, body);
    body.push(0x00, 0xc0 | ch, part.program & 127);
    // Offs sort before ons at the same tick, so a re-struck key is heard again.
    const events: Array<[tick: number, on: 0 | 1, pitch: number, vel: number]> = [];
    for (const n of part.notes) {
      const a = ticks(n.start);
      const b = Math.max(a + 1, ticks(n.end));
      const vel = Math.min(127, Math.max(1, Math.round(n.velocity)));
      events.push([a, 1, n.pitch & 127, vel], [b, 0, n.pitch & 127, 0]);
    }
    events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let at = 0;
    for (const [tick, on, pitch, vel] of events) {
      vlq(tick - at, body);
      at = tick;
      body.push(on ? 0x90 | ch : 0x80 | ch, pitch, on ? vel : 64);
    }
    body.push(0x00, 0xff, 0x2f, 0x00);
    tracks.push(chunk('MTrk', body));
  }
  const header = chunk('MThd', [0, 1, 0, tracks.length, (PPQ >> 8) & 255, PPQ & 255]);
  return new Uint8Array([...header, ...tracks.flat()]);
}

/**
 * A piece's notes as the synthesizer's MIDI file: the piano part on channel 0 (program 0), the solo
 * part on channel 1 with its GM program (violin when the piece names none). With a range, only the
 * notes sounding in it, cut at its edges and starting at zero.
 */
export function notesToSmf(notes: NoteArrays, range?: { from: number; to: number }): Uint8Array {
  const from = range?.from ?? 0;
  const to = range?.to ?? Infinity;
  const piano: SmfNote[] = [];
  const solo: SmfNote[] = [];
  for (let i = 0; i < notes.start.length; i++) {
    const start = Math.max(notes.start[i]!, from);
    const end = Math.min(notes.end[i]!, to);
    if (end <= start) continue;
    (notes.voice[i] === 1 ? solo : piano).push({
      pitch: notes.pitch[i]!,
      start: start - from,
      end: end - from,
      velocity: notes.velocity[i]!,
    });
  }
  const parts: SmfPart[] = [{ name: 'Piano', program: 0, channel: 0, notes: piano }];
  if (solo.length) parts.push({ name: 'Solo', program: notes.soloProgram ?? 40, channel: 1, notes: solo });
  // Times are absolute seconds: any tempo reproduces them; the piece's own keeps bars readable.
  return writeSmf(parts, { bpm: notes.bpm > 0 ? notes.bpm : 120 });
}
