import type { NoteArrays } from '../../../shared/api';
import { writeSmf, type SmfNote } from './smf';

/**
 * A prompt played on a MIDI keyboard: one bar of count-in with a metronome click, then every note
 * (with the sustain pedal) in seconds from the downbeat, until stopped. Message times are Web MIDI
 * timestamps, on the same clock as performance.now().
 */
export interface RecorderOptions {
  bpm: number;
  beatsPerBar?: number;
  /** Keep clicking while recording (the count-in always clicks). */
  metronome?: boolean;
  /** Schedules a click at a performance.now() time; `accent` on the first beat of a bar. */
  click?: (atMs: number, accent: boolean) => void;
  now?: () => number;
}

export type RecorderState = 'idle' | 'count-in' | 'recording' | 'stopped';

export class Recorder {
  readonly bpm: number;
  readonly beatsPerBar: number;
  private readonly now: () => number;
  private readonly click: ((atMs: number, accent: boolean) => void) | undefined;
  private readonly metronome: boolean;
  private startedAt = 0;
  /** The downbeat after the count-in: time zero of the recording. */
  private downbeat = 0;
  private stoppedAt = 0;
  private nextBeat = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private done: SmfNote[] = [];
  private open = new Map<number, { start: number; velocity: number }>();
  /** Keys released while the pedal is down: they sound until it lifts. */
  private held = new Map<number, { start: number; velocity: number }>();
  private pedal = false;
  private _state: RecorderState = 'idle';

  constructor(opts: RecorderOptions) {
    this.bpm = opts.bpm;
    this.beatsPerBar = opts.beatsPerBar ?? 4;
    this.now = opts.now ?? (() => performance.now());
    this.click = opts.click;
    this.metronome = opts.metronome ?? true;
  }

  get beatMs(): number {
    return 60_000 / this.bpm;
  }

  get state(): RecorderState {
    if (this._state === 'count-in' && this.now() >= this.downbeat) this._state = 'recording';
    return this._state;
  }

  /** Seconds since the downbeat (negative during the count-in). */
  get elapsed(): number {
    const end = this._state === 'stopped' ? this.stoppedAt : this.now();
    return (end - this.downbeat) / 1000;
  }

  /** Starts the count-in; recording begins one bar later. */
  start(): void {
    this.startedAt = this.now() + 60; // a moment for the first click to be scheduled
    this.downbeat = this.startedAt + this.beatsPerBar * this.beatMs;
    this.nextBeat = 0;
    this.done = [];
    this.open.clear();
    this.held.clear();
    this.pedal = false;
    this._state = 'count-in';
    this.schedule();
    this.timer = setInterval(() => this.schedule(), 25);
  }

  /** Clicks falling in the next 150 ms (a look-ahead scheduler: timers are late, audio is not). */
  private schedule(): void {
    const horizon = this.now() + 150;
    for (;;) {
      const at = this.startedAt + this.nextBeat * this.beatMs;
      if (at > horizon) break;
      const countIn = this.nextBeat < this.beatsPerBar;
      if (countIn || (this.metronome && this.state === 'recording'))
        this.click?.(at, this.nextBeat % this.beatsPerBar === 0);
      this.nextBeat++;
    }
  }

  private sec(ms: number): number {
    return (ms - this.downbeat) / 1000;
  }

  private close(pitch: number, n: { start: number; velocity: number }, end: number): void {
    // Notes wholly inside the count-in are dropped; a pickup played just early starts on the downbeat.
    if (end <= 0) return;
    this.done.push({
      pitch,
      start: Math.max(0, n.start),
      end: Math.max(end, Math.max(0, n.start) + 0.01),
      velocity: n.velocity,
    });
  }

  /** A MIDI message from the input (any channel): note on/off and the sustain pedal are kept. */
  message(data: Uint8Array | number[], timeStamp: number = this.now()): void {
    const st = this.state;
    if (st !== 'count-in' && st !== 'recording') return;
    const [status = 0, a = 0, b = 0] = data;
    const kind = status & 0xf0;
    const t = this.sec(timeStamp);
    if (kind === 0x90 && b > 0) {
      const prev = this.open.get(a) ?? this.held.get(a);
      if (prev) this.close(a, prev, t);
      this.held.delete(a);
      this.open.set(a, { start: t, velocity: b });
    } else if (kind === 0x80 || (kind === 0x90 && b === 0)) {
      const n = this.open.get(a);
      if (!n) return;
      this.open.delete(a);
      if (this.pedal) this.held.set(a, n);
      else this.close(a, n, t);
    } else if (kind === 0xb0 && a === 64) {
      this.pedal = b >= 64;
      if (!this.pedal) {
        for (const [p, n] of this.held) this.close(p, n, t);
        this.held.clear();
      }
    }
  }

  /** Ends the recording: notes still sounding end now. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this._state !== 'count-in' && this._state !== 'recording') return;
    this.stoppedAt = this.now();
    const t = this.sec(this.stoppedAt);
    for (const [p, n] of [...this.open, ...this.held]) this.close(p, n, t);
    this.open.clear();
    this.held.clear();
    this._state = 'stopped';
  }

  /** The notes so far, sounding ones drawn up to now, sorted by start. */
  notes(): SmfNote[] {
    const t = this.elapsed;
    const out = [...this.done];
    if (this._state !== 'stopped')
      for (const [p, n] of [...this.open, ...this.held])
        if (t > 0) out.push({ pitch: p, start: Math.max(0, n.start), end: Math.max(t, 0.01), velocity: n.velocity });
    return out.sort((x, y) => x.start - y.start || x.pitch - y.pitch);
  }

  /** The notes for the piano roll. */
  noteArrays(): NoteArrays {
    const ns = this.notes();
    const last = ns.reduce((m, n) => Math.max(m, n.end), 0);
    return {
      pitch: ns.map((n) => n.pitch),
      start: ns.map((n) => n.start),
      end: ns.map((n) => n.end),
      velocity: ns.map((n) => n.velocity),
      voice: ns.map(() => 0),
      seconds: Math.max(last, this.elapsed, (this.beatsPerBar * this.beatMs) / 1000),
      bpm: this.bpm,
      soloProgram: null,
    };
  }

  /** The recording as a type-1 MIDI file: its tempo and metre in the conductor track, a piano part. */
  toMidi(): Uint8Array {
    return writeSmf([{ name: 'Keyboard', program: 0, channel: 0, notes: this.notes() }], {
      bpm: this.bpm,
      beatsPerBar: this.beatsPerBar,
      title: 'Recorded in Clara Studio',
    });
  }
}
