/**
 * A linear-time Standard MIDI File reader. @tonejs/midi pairs each note-on with its note-off by
 * `shift`/`findIndex`/`splice` over the whole track, which is quadratic: a 100k-note file took
 * seconds and a 50 MB one minutes. This reads the bytes once and pairs notes with a cursor per
 * pitch, and it gives the same tracks, names, programs, channels, notes, pedal and tempo map as
 * @tonejs/midi 2.0.28 on top of midi-file 1.2.4 (the oracle test compares both on real corpora).
 * Where those libraries read garbage as numbers or throw, this refuses with a reason; where the SMF
 * spec says to be lenient (unknown chunks, a longer header, padding) it is.
 */
import { MidiInputError } from '../errors';

/** Bytes beyond which a file is not a score: the largest piano file of piano-midi.de is ~200 KB. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Notes beyond which a file is not a piece Clara can learn from (the longest corpus piece has ~30k). */
export const MAX_NOTES = 1_000_000;
/** Ticks are stored as int32 (catalog note blobs); a later tick is a corrupt delta, not music. */
const MAX_TICK = 0x7fffffff;

export interface SmfTrack {
  name: string;
  /** The channel of the track's last note-on; 0 without notes (as @tonejs/midi). */
  channel: number;
  /** The first program change of the track, else 0. */
  program: number;
  /** Notes in note-on order, as parallel arrays: a piece of 200k notes makes no 200k objects here. */
  notes: { pitch: number[]; ticks: number[]; durationTicks: number[]; velocity: number[] };
  /** Sustain pedal (CC64) values 0–127 in file order. */
  pedal: Array<{ ticks: number; value: number }>;
}

export interface SmfTempo {
  ticks: number;
  bpm: number;
  time: number;
}

export interface SmfFile {
  format: number;
  ppq: number;
  /** The last track name of the first track. */
  name: string;
  /** Text, cue point, marker and lyric events of the first track. */
  meta: Array<{ text: string; ticks: number; type: string }>;
  tempos: SmfTempo[];
  timeSignatures: Array<{ ticks: number; timeSignature: [number, number] }>;
  /** Key signatures: sharps (negative: flats) and major/minor, as the file states them. */
  keySignatures: Array<{ ticks: number; sharps: number; minor: boolean }>;
  tracks: SmfTrack[];
  /** Note-ons never followed by their note-off, closed at the end of their track. */
  unclosedNotes: number;
  warnings: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * MIDI text has no declared encoding: modern tools write UTF-8, older ones Latin-1 (or a code page
 * that Latin-1 reads least badly). Control characters are dropped so a hostile name cannot drive
 * the terminal (ESC sequences) or break a line in a report.
 */
export function decodeMidiText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = latin1.decode(bytes);
  }
  return stripControls(text);
}

/** Whole escape sequences (CSI, OSC and the like), so no half of one is left behind as text. */
const ESCAPE_SEQUENCES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

export function stripControls(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCES, '')
    .replace(/[\t\n\r]+/g, ' ')
    .replace(CONTROLS, '');
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

function chunkId(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

function printableId(id: string): string {
  return JSON.stringify(stripControls(id));
}

/** One track as midi-file would split it: @tonejs/midi gives each (program, channel) its own track. */
interface Building {
  name: string | null;
  lastName: string | null;
  channel: number;
  program: number | null;
  onTick: number[];
  onPitch: number[];
  onVel: number[];
  /** Note-off ticks per pitch (0–255: data bytes are not checked, as in midi-file). */
  offs: Array<number[] | undefined>;
  pedal: Array<{ ticks: number; value: number }>;
  /** Sum of the deltas of the events routed here: @tonejs/midi dates the first track's texts so. */
  deltaSum: number;
  meta: Array<{ text: string; ticks: number; type: string }> | null;
  endTick: number;
}

function newBuilding(first: boolean): Building {
  return {
    name: null,
    lastName: null,
    channel: 0,
    program: null,
    onTick: [],
    onPitch: [],
    onVel: [],
    offs: [],
    pedal: [],
    deltaSum: 0,
    meta: first ? [] : null,
    endTick: 0,
  };
}

const META_TEXT_TYPES: Record<number, string> = { 0x01: 'text', 0x05: 'lyrics', 0x06: 'marker', 0x07: 'cuePoint' };

class TrackReader {
  private at: number;
  constructor(
    private readonly b: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly where: () => string,
    private readonly path: string | undefined,
  ) {
    this.at = start;
  }

  get pos(): number {
    return this.at;
  }
  eof(): boolean {
    return this.at >= this.end;
  }
  byte(): number {
    if (this.at >= this.end) throw new CutOff();
    return this.b[this.at++]!;
  }
  /** A variable-length quantity: at most 4 bytes (28 bits) by the SMF spec; longer is corrupt. */
  vlq(what: string): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.byte();
      v = v * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) return v;
    }
    throw new MidiInputError(
      `corrupt ${what} in ${this.where()}: a variable-length number longer than 4 bytes`,
      this.path,
    );
  }
  bytes(n: number): Uint8Array {
    if (this.at + n > this.end) throw new CutOff();
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}

class CutOff extends Error {}

/**
 * Parses SMF bytes. Throws MidiInputError with the reason for anything that is not a readable
 * file of ticks-per-quarter time, and for files over the size or note caps.
 */
export function parseSmf(bytes: Uint8Array, path?: string): SmfFile {
  if (bytes.length === 0) throw new MidiInputError('empty file (0 bytes)', path);
  if (bytes.length > MAX_FILE_BYTES) {
    throw new MidiInputError(
      `too large for a MIDI score: ${(bytes.length / 1048576).toFixed(1)} MB (limit ${MAX_FILE_BYTES / 1048576} MB)`,
      path,
    );
  }
  if (bytes.length < 4 || chunkId(bytes, 0) !== 'MThd')
    throw new MidiInputError('not a MIDI file (no "MThd" header)', path);
  if (bytes.length < 14) throw new MidiInputError('truncated MIDI header', path);
  const headerLength = u32(bytes, 4);
  if (headerLength < 6) throw new MidiInputError(`invalid MIDI header length ${headerLength} (at least 6)`, path);
  if (8 + headerLength > bytes.length) throw new MidiInputError('truncated MIDI header', path);
  const format = (bytes[8]! << 8) | bytes[9]!;
  const ntracks = (bytes[10]! << 8) | bytes[11]!;
  if (ntracks === 0 || bytes.length <= 8 + headerLength)
    throw new MidiInputError('header only: the file declares or holds no tracks', path);
  const division = (bytes[12]! << 8) | bytes[13]!;
  if (division & 0x8000)
    throw new MidiInputError('SMPTE time division is not supported (only ticks per quarter note)', path);
  if (division === 0) throw new MidiInputError('invalid time division of 0 ticks per quarter note', path);

  const built: Building[] = [];
  const tempoEvents: Array<{ ticks: number; bpm: number }> = [];
  const timeSignatures: SmfFile['timeSignatures'] = [];
  const keySignatures: SmfFile['keySignatures'] = [];
  const warnings: string[] = [];
  let notes = 0;
  let read = 0;
  let at = 8 + headerLength;
  // Only the declared tracks are read (as midi-file does); what follows them is ignored, so
  // padding and appended junk after the last track do not matter.
  while (at < bytes.length && read < ntracks) {
    if (at + 8 > bytes.length) {
      if (read > 0 && bytes.subarray(at).every((x) => x === 0)) break;
      throw new MidiInputError(`truncated: chunk header cut off at byte ${at}`, path);
    }
    const id = chunkId(bytes, at);
    const len = u32(bytes, at + 4);
    if (id !== 'MTrk') {
      if (read > 0 && bytes.subarray(at).every((x) => x === 0)) break;
      // The SMF spec asks readers to skip chunk types they do not know.
      if (at + 8 + len > bytes.length)
        throw new MidiInputError(
          `truncated: chunk ${printableId(id)} at byte ${at} needs ${len} bytes, ${bytes.length - at - 8} remain`,
          path,
        );
      at += 8 + len;
      continue;
    }
    if (at + 8 + len > bytes.length) {
      throw new MidiInputError(
        `truncated: track ${read + 1} of ${ntracks} needs ${len} bytes, ${bytes.length - at - 8} remain`,
        path,
      );
    }
    notes = readTrack(
      bytes,
      at + 8,
      at + 8 + len,
      read,
      built,
      tempoEvents,
      timeSignatures,
      keySignatures,
      warnings,
      notes,
      path,
    );
    read++;
    at += 8 + len;
  }
  if (read === 0) throw new MidiInputError('no tracks: the file holds no "MTrk" track chunk', path);

  const tempos = tempoMap(tempoEvents, division);
  timeSignatures.sort((a, b) => a.ticks - b.ticks);
  keySignatures.sort((a, b) => a.ticks - b.ticks);
  const toSeconds = (ticks: number): number => ticksToSeconds(tempos, division, ticks);
  let unclosedNotes = 0;
  let tracks = built.map((t) => {
    const { track, unclosed } = finishTrack(t);
    unclosedNotes += unclosed;
    return track;
  });
  const first = built[0];
  // @tonejs/midi drops a format-1 first track that lasts no time (the usual conductor track).
  if (format === 1 && tracks[0] && trackSeconds(tracks[0], toSeconds) === 0) tracks = tracks.slice(1);
  return {
    format,
    ppq: division,
    name: first?.lastName ?? '',
    meta: first?.meta ?? [],
    tempos,
    timeSignatures,
    keySignatures,
    tracks,
    unclosedNotes,
    warnings,
  };
}

function readTrack(
  bytes: Uint8Array,
  start: number,
  end: number,
  index: number,
  built: Building[],
  tempoEvents: Array<{ ticks: number; bpm: number }>,
  timeSignatures: SmfFile['timeSignatures'],
  keySignatures: SmfFile['keySignatures'],
  warnings: string[],
  notesSoFar: number,
  path: string | undefined,
): number {
  let notes = notesSoFar;
  const where = (): string => `track ${index + 1} at byte ${r.pos}`;
  const r = new TrackReader(bytes, start, end, where, path);
  const defaultTrack = built.length;
  // (program, channel) → built track, in order of first appearance, as @tonejs/midi splits tracks.
  const routes = new Map<string, number>();
  const currentProgram = new Array<number>(16).fill(0);
  let tick = 0;
  let running: number | null = null;
  const route = (channel: number | null): Building => {
    let target = defaultTrack;
    if (channel !== null) {
      const key = `${currentProgram[channel]} ${channel}`;
      const known = routes.get(key);
      if (known !== undefined) target = known;
      else {
        target = defaultTrack + routes.size;
        routes.set(key, target);
      }
    }
    return (built[target] ??= newBuilding(target === 0));
  };
  try {
    while (!r.eof()) {
      const delta = r.vlq('delta time');
      tick += delta;
      if (tick > MAX_TICK)
        throw new MidiInputError(
          `corrupt delta times in track ${index + 1}: events later than ${MAX_TICK} ticks`,
          path,
        );
      let status = r.byte();
      if ((status & 0xf0) === 0xf0) {
        if (status === 0xff) {
          const type = r.byte();
          const len = r.vlq('meta event length');
          const data = r.bytes(len);
          const expect = (ok: boolean, what: string): void => {
            if (!ok) throw new MidiInputError(`corrupt ${what} event in ${where()}: length ${len}`, path);
          };
          let channel: number | null = null;
          if (type === 0x00) expect(len === 2, 'sequence number');
          else if (type === 0x20) {
            expect(len === 1, 'channel prefix');
            channel = data[0]!;
          } else if (type === 0x21) expect(len === 1, 'port prefix');
          else if (type === 0x2f) expect(len === 0, 'end of track');
          else if (type === 0x51) expect(len === 3, 'tempo');
          else if (type === 0x54) expect(len === 5, 'SMPTE offset');
          else if (type === 0x58) expect(len === 2 || len === 4, 'time signature');
          else if (type === 0x59) expect(len === 2, 'key signature');
          // midi-file routes a channel prefix by its channel byte, unchecked; so does this.
          const t = channel !== null && channel > 15 ? routeOdd(built, routes, defaultTrack, channel) : route(channel);
          t.deltaSum += delta;
          t.endTick = tick;
          if (type === 0x03) {
            const name = decodeMidiText(data);
            t.name ??= name;
            t.lastName = name;
          } else if (t.meta && META_TEXT_TYPES[type]) {
            t.meta.push({ text: decodeMidiText(data), ticks: t.deltaSum, type: META_TEXT_TYPES[type]! });
          } else if (type === 0x51) {
            tempoEvents.push({ ticks: tick, bpm: 60000000 / ((data[0]! << 16) + (data[1]! << 8) + data[2]!) });
          } else if (type === 0x58) {
            timeSignatures.push({ ticks: tick, timeSignature: [data[0]!, 1 << data[1]!] });
          } else if (type === 0x59) {
            const sharps = (data[0]! << 24) >> 24;
            if (sharps >= -7 && sharps <= 7 && data[1]! <= 1)
              keySignatures.push({ ticks: tick, sharps, minor: data[1] === 1 });
          }
          continue;
        }
        if (status === 0xf0 || status === 0xf7) {
          const len = r.vlq('sysex length');
          r.bytes(len);
          const t = route(null);
          t.deltaSum += delta;
          t.endTick = tick;
          continue;
        }
        throw new MidiInputError(
          `unreadable MIDI data in ${where()}: status byte 0x${status.toString(16)} is not allowed in a file`,
          path,
        );
      }
      let p1: number;
      if ((status & 0x80) === 0) {
        // Running status: the byte read is the first data byte of a repeat of the last status.
        if (running === null)
          throw new MidiInputError(`unreadable MIDI data in ${where()}: running status before any status byte`, path);
        p1 = status;
        status = running;
      } else {
        p1 = r.byte();
        running = status;
      }
      const kind = status >> 4;
      const channel = status & 0x0f;
      if (kind === 0x0c) currentProgram[channel] = p1;
      const t = route(channel);
      t.deltaSum += delta;
      t.endTick = tick;
      switch (kind) {
        case 0x8:
          r.byte();
          (t.offs[p1] ??= []).push(tick);
          break;
        case 0x9: {
          const v = r.byte();
          if (v === 0) (t.offs[p1] ??= []).push(tick);
          else {
            if (++notes > MAX_NOTES)
              throw new MidiInputError(
                `too many notes for one piece: more than ${MAX_NOTES.toLocaleString('en')}`,
                path,
              );
            t.channel = channel;
            t.onTick.push(tick);
            t.onPitch.push(p1);
            t.onVel.push(v);
          }
          break;
        }
        case 0xa:
          r.byte();
          break;
        case 0xb: {
          const v = r.byte();
          if (p1 === 64) t.pedal.push({ ticks: tick, value: v });
          break;
        }
        case 0xc:
          t.program ??= p1;
          break;
        case 0xd:
          break;
        case 0xe:
          r.byte();
          break;
      }
    }
  } catch (err) {
    if (!(err instanceof CutOff)) throw err;
    // A track whose last event runs past its chunk keeps what came before it.
    warnings.push(`track ${index + 1}: last event cut off by the end of its chunk`);
  }
  // Notes left sounding close where the track ends, in every part split from it.
  for (let i = defaultTrack; i < built.length; i++) built[i]!.endTick = Math.max(built[i]!.endTick, tick);
  return notes;
}

/** A channel prefix naming a channel above 15 gets its own track, keyed as midi-file would ("undefined 20"). */
function routeOdd(built: Building[], routes: Map<string, number>, defaultTrack: number, channel: number): Building {
  const key = `undefined ${channel}`;
  let target = routes.get(key);
  if (target === undefined) {
    target = defaultTrack + routes.size;
    routes.set(key, target);
  }
  return (built[target] ??= newBuilding(target === 0));
}

/**
 * Pairs each note-on, in file order, with the first unused note-off of its pitch at or after it:
 * @tonejs/midi's rule, done with one cursor per pitch instead of a search over the whole track.
 */
function finishTrack(t: Building): { track: SmfTrack; unclosed: number } {
  const cursor = new Int32Array(256);
  const durationTicks: number[] = [];
  let unclosed = 0;
  for (let i = 0; i < t.onTick.length; i++) {
    const pitch = t.onPitch[i]!;
    const on = t.onTick[i]!;
    const offs = t.offs[pitch];
    let c = cursor[pitch]!;
    if (offs) while (c < offs.length && offs[c]! < on) c++;
    let off: number;
    if (offs && c < offs.length) {
      off = offs[c]!;
      c++;
    } else {
      off = Math.max(on, t.endTick);
      unclosed++;
    }
    cursor[pitch] = c;
    durationTicks.push(off - on);
  }
  const notes = { pitch: t.onPitch, ticks: t.onTick, durationTicks, velocity: t.onVel };
  return {
    track: { name: t.name ?? '', channel: t.channel, program: t.program ?? 0, notes, pedal: t.pedal },
    unclosed,
  };
}

/** Tempo changes with their time in seconds, computed exactly as @tonejs/midi's Header.update. */
function tempoMap(events: Array<{ ticks: number; bpm: number }>, ppq: number): SmfTempo[] {
  const sorted = events.slice().sort((a, b) => a.ticks - b.ticks);
  const out: SmfTempo[] = [];
  let currentTime = 0;
  let lastEventBeats = 0;
  sorted.forEach((e, i) => {
    const lastBpm = i > 0 ? sorted[i - 1]!.bpm : sorted[0]!.bpm;
    const beats = e.ticks / ppq - lastEventBeats;
    const time = (60 / lastBpm) * beats + currentTime;
    currentTime = time;
    lastEventBeats += beats;
    out.push({ ticks: e.ticks, bpm: e.bpm, time });
  });
  return out;
}

/** Seconds at a tick: the last tempo at or before it, else 120 bpm (as @tonejs/midi). */
export function ticksToSeconds(tempos: SmfTempo[], ppq: number, ticks: number): number {
  let lo = 0;
  let hi = tempos.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tempos[mid]!.ticks <= ticks) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found === -1) return (60 / 120) * (ticks / ppq);
  const tempo = tempos[found]!;
  return tempo.time + (60 / tempo.bpm) * ((ticks - tempo.ticks) / ppq);
}

function trackSeconds(t: SmfTrack, toSeconds: (ticks: number) => number): number {
  let max = 0;
  const { ticks, durationTicks } = t.notes;
  for (let i = 0; i < ticks.length; i++) {
    const time = toSeconds(ticks[i]!);
    const end = time + (toSeconds(ticks[i]! + durationTicks[i]!) - time);
    if (end > max) max = end;
  }
  return max;
}
