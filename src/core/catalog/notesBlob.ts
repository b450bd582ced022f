import type { TickNote } from '../midi/types';

const FIELDS = 6;

/** Packs notes as little-endian int32 rows (pitch, start, end, velocity, voice, track). */
export function packNotes(notes: readonly TickNote[]): Buffer {
  const buf = Buffer.alloc(notes.length * FIELDS * 4);
  let at = 0;
  for (const n of notes) {
    buf.writeInt32LE(n.pitch, at);
    buf.writeInt32LE(n.start, at + 4);
    buf.writeInt32LE(n.end, at + 8);
    buf.writeInt32LE(n.velocity, at + 12);
    buf.writeInt32LE(n.voice === 'v' ? 1 : 0, at + 16);
    buf.writeInt32LE(n.track, at + 20);
    at += FIELDS * 4;
  }
  return buf;
}

export function unpackNotes(buf: Buffer): TickNote[] {
  const count = buf.length / (FIELDS * 4);
  const out: TickNote[] = new Array(count);
  for (let i = 0, at = 0; i < count; i++, at += FIELDS * 4) {
    out[i] = {
      pitch: buf.readInt32LE(at),
      start: buf.readInt32LE(at + 4),
      end: buf.readInt32LE(at + 8),
      velocity: buf.readInt32LE(at + 12),
      voice: buf.readInt32LE(at + 16) === 1 ? 'v' : 'p',
      track: buf.readInt32LE(at + 20),
    };
  }
  return out;
}
