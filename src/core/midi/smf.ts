/**
 * A minimal Standard MIDI File writer. Both @tonejs/midi and midi-file build their output by
 * concatenating arrays, which takes seconds for a 10,000-note piece; this writes into one growing
 * buffer in linear time. It writes only what Clara Studio emits: notes, program, name, tempo, metre.
 */
export type SmfEvent =
  | { tick: number; type: 'noteOn' | 'noteOff'; channel: number; note: number; velocity: number }
  | { tick: number; type: 'program'; channel: number; program: number }
  | { tick: number; type: 'trackName'; text: string }
  | { tick: number; type: 'tempo'; microsecondsPerBeat: number }
  | { tick: number; type: 'timeSignature'; numerator: number; denominator: number }
  | { tick: number; type: 'keySignature'; sharps: number; minor: boolean };

class ByteWriter {
  private buf = new Uint8Array(1024);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  bytes(...b: number[]): void {
    this.room(b.length);
    for (const x of b) this.buf[this.length++] = x & 0xff;
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u32(v: number): void {
    this.bytes(v >>> 24, v >>> 16, v >>> 8, v);
  }

  u16(v: number): void {
    this.bytes(v >>> 8, v);
  }

  vlq(v: number): void {
    const stack = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) stack.push((x & 0x7f) | 0x80);
    this.bytes(...stack.reverse());
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function writeEvent(w: ByteWriter, e: SmfEvent): void {
  switch (e.type) {
    case 'noteOn':
      return w.bytes(0x90 | e.channel, e.note, e.velocity);
    case 'noteOff':
      return w.bytes(0x80 | e.channel, e.note, e.velocity);
    case 'program':
      return w.bytes(0xc0 | e.channel, e.program);
    case 'trackName': {
      const text = new TextEncoder().encode(e.text);
      w.bytes(0xff, 0x03);
      w.vlq(text.length);
      return w.raw(text);
    }
    case 'tempo':
      return w.bytes(0xff, 0x51, 3, e.microsecondsPerBeat >>> 16, e.microsecondsPerBeat >>> 8, e.microsecondsPerBeat);
    case 'timeSignature':
      return w.bytes(0xff, 0x58, 4, e.numerator, Math.log2(e.denominator), 24, 8);
    case 'keySignature':
      return w.bytes(0xff, 0x59, 2, e.sharps & 0xff, e.minor ? 1 : 0);
  }
}

/** Encodes type-1 tracks of events (absolute ticks, already in playing order) as SMF bytes. */
export function encodeSmf(ppq: number, tracks: SmfEvent[][]): Uint8Array {
  const w = new ByteWriter();
  w.bytes(0x4d, 0x54, 0x68, 0x64); // MThd
  w.u32(6);
  w.u16(1);
  w.u16(tracks.length);
  w.u16(ppq);
  for (const events of tracks) {
    const t = new ByteWriter();
    let last = 0;
    for (const e of events) {
      t.vlq(e.tick - last);
      last = e.tick;
      writeEvent(t, e);
    }
    t.bytes(0x00, 0xff, 0x2f, 0x00); // end of track
    w.bytes(0x4d, 0x54, 0x72, 0x6b); // MTrk
    w.u32(t.length);
    w.raw(t.result());
  }
  return w.result();
}
