import * as Tone from 'tone';
import type { NoteArrays } from '../../../shared/api';

/** Instruments shipped in resources/public/instruments (rendered from FluidR3 GM by scripts/render-instruments.sh). */
interface Manifest {
  [instrument: string]: { urls: Record<string, string>; release: number; volume: number };
}

type Voice = Tone.Sampler | Tone.PolySynth;

let manifestPromise: Promise<Manifest | null> | null = null;
function manifest(): Promise<Manifest | null> {
  manifestPromise ??= fetch('./instruments/manifest.json')
    .then((r) => (r.ok ? (r.json() as Promise<Manifest>) : null))
    .catch(() => null);
  return manifestPromise;
}

/** A sampled instrument when its files are there, else a simple synth so playback never fails. */
async function makeVoice(name: 'piano' | 'violin', dest: Tone.InputNode): Promise<{ voice: Voice; sampled: boolean }> {
  const m = await manifest();
  const inst = m?.[name];
  if (inst) {
    try {
      const sampler = await new Promise<Tone.Sampler>((resolve, reject) => {
        const s = new Tone.Sampler({
          urls: inst.urls,
          baseUrl: `./instruments/${name}/`,
          release: inst.release,
          onload: () => resolve(s),
          onerror: reject,
        });
      });
      sampler.volume.value = inst.volume;
      sampler.connect(dest);
      return { voice: sampler, sampled: true };
    } catch {
      // fall through to the synth
    }
  }
  const synth = new Tone.PolySynth(Tone.Synth, {
    oscillator: { type: name === 'piano' ? 'triangle' : 'sawtooth' },
    envelope:
      name === 'piano'
        ? { attack: 0.005, decay: 0.4, sustain: 0.2, release: 0.6 }
        : { attack: 0.08, decay: 0.1, sustain: 0.8, release: 0.3 },
  });
  synth.maxPolyphony = 64;
  synth.volume.value = name === 'piano' ? -14 : -20;
  synth.connect(dest);
  return { voice: synth, sampled: false };
}

const NAME = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const noteName = (p: number) => `${NAME[p % 12]}${Math.floor(p / 12) - 1}`;

/** Schedules a piece's notes on a transport, with the time scale of a tempo factor (1 = as written). */
function schedule(
  transport: ReturnType<typeof Tone.getTransport>,
  notes: NoteArrays,
  voices: Voice[],
  rate: number,
  from = 0,
  to = Infinity,
): Tone.Part {
  const events: Array<{ time: number; i: number }> = [];
  for (let i = 0; i < notes.start.length; i++)
    if (notes.start[i]! >= from && notes.start[i]! < to) events.push({ time: notes.start[i]! / rate, i });
  const part = new Tone.Part<{ time: number; i: number }>((time, ev) => {
    const i = ev.i;
    const v = voices[notes.voice[i]!] ?? voices[0]!;
    const dur = Math.max(0.03, (notes.end[i]! - notes.start[i]!) / rate);
    v.triggerAttackRelease(noteName(notes.pitch[i]!), dur, time, notes.velocity[i]! / 127);
  }, events);
  part.start(0);
  void transport;
  return part;
}

/**
 * Plays a piece through tone: sampled piano (and violin for the solo part), play/pause, seek, a
 * looped region and a tempo factor. `time` gives the position in the piece's own seconds.
 */
export class Player {
  private voices: Voice[] = [];
  private part: Tone.Part | null = null;
  private notes: NoteArrays | null = null;
  private rate = 1;
  private loopRange: { from: number; to: number } | null = null;
  sampled = false;
  onend: (() => void) | null = null;
  private endId: number | null = null;

  private async ensureVoices(): Promise<void> {
    if (this.voices.length) return;
    await Tone.start();
    const out = Tone.getDestination();
    const [p, v] = await Promise.all([makeVoice('piano', out), makeVoice('violin', out)]);
    this.voices = [p.voice, v.voice];
    this.sampled = p.sampled;
  }

  private transport() {
    return Tone.getTransport();
  }

  load(notes: NoteArrays | null): void {
    this.stop();
    this.notes = notes;
    this.loopRange = null;
  }

  get playing(): boolean {
    return this.transport().state === 'started';
  }

  /** Position in the piece's seconds. */
  get time(): number {
    return this.transport().seconds * this.rate;
  }

  private rebuild(): void {
    this.part?.dispose();
    this.part =
      this.notes && this.voices.length ? schedule(this.transport(), this.notes, this.voices, this.rate) : null;
    const t = this.transport();
    if (this.endId !== null) t.clear(this.endId);
    this.endId = null;
    if (this.loopRange) {
      t.loop = true;
      t.loopStart = this.loopRange.from / this.rate;
      t.loopEnd = this.loopRange.to / this.rate;
    } else {
      t.loop = false;
      if (this.notes)
        this.endId = t.schedule(
          () => Tone.getDraw().schedule(() => this.pauseAtEnd(), Tone.now()),
          this.notes.seconds / this.rate + 0.3,
        );
    }
  }

  private pauseAtEnd(): void {
    this.transport().pause();
    this.transport().seconds = 0;
    this.onend?.();
  }

  async play(from?: number): Promise<void> {
    if (!this.notes) return;
    await this.ensureVoices();
    this.rebuild();
    const t = this.transport();
    if (from !== undefined) t.seconds = from / this.rate;
    t.start();
  }

  pause(): void {
    this.transport().pause();
    for (const v of this.voices) v.releaseAll();
  }

  stop(): void {
    const t = this.transport();
    t.stop();
    t.seconds = 0;
    for (const v of this.voices) v.releaseAll();
  }

  seek(seconds: number): void {
    const playing = this.playing;
    for (const v of this.voices) v.releaseAll();
    this.transport().seconds = Math.max(0, seconds) / this.rate;
    if (!playing) this.transport().pause();
  }

  setLoop(range: { from: number; to: number } | null): void {
    this.loopRange = range;
    if (this.playing) {
      const at = this.time;
      this.rebuild();
      if (range && (at < range.from || at > range.to)) this.seek(range.from);
    }
  }

  setTempo(factor: number): void {
    const at = this.time;
    const playing = this.playing;
    this.rate = factor;
    if (playing) {
      this.transport().pause();
      this.rebuild();
      this.transport().seconds = at / factor;
      this.transport().start();
    } else this.transport().seconds = at / factor;
  }

  /** Renders the piece (or a region) to a WAV file offline, with the same instruments. */
  async renderWav(range?: { from: number; to: number }): Promise<Uint8Array> {
    if (!this.notes) throw new Error('nothing loaded');
    const notes = this.notes;
    const from = range?.from ?? 0;
    const to = range?.to ?? notes.seconds;
    const tail = 1.5;
    const buffer = await Tone.Offline(
      async ({ transport, destination }) => {
        const [p, v] = await Promise.all([makeVoice('piano', destination), makeVoice('violin', destination)]);
        const shifted: NoteArrays = {
          ...notes,
          start: notes.start.map((s) => s - from),
          end: notes.end.map((e) => Math.min(e, to) - from),
        };
        schedule(transport, shifted, [p.voice, v.voice], 1, 0, to - from);
        transport.start();
      },
      to - from + tail,
      2,
      44100,
    );
    return encodeWav(buffer.toArray() as Float32Array[] | Float32Array, 44100);
  }
}

/** 16-bit PCM WAV of one or two channels. */
export function encodeWav(data: Float32Array[] | Float32Array, sampleRate: number): Uint8Array {
  const channels = Array.isArray(data) ? data : [data];
  const n = channels[0]!.length;
  const c = channels.length;
  const out = new DataView(new ArrayBuffer(44 + n * c * 2));
  const text = (at: number, s: string) => [...s].forEach((ch, i) => out.setUint8(at + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  out.setUint32(4, 36 + n * c * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  out.setUint32(16, 16, true);
  out.setUint16(20, 1, true);
  out.setUint16(22, c, true);
  out.setUint32(24, sampleRate, true);
  out.setUint32(28, sampleRate * c * 2, true);
  out.setUint16(32, c * 2, true);
  out.setUint16(34, 16, true);
  text(36, 'data');
  out.setUint32(40, n * c * 2, true);
  let at = 44;
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++) {
      const x = Math.max(-1, Math.min(1, channels[ch]![i]!));
      out.setInt16(at, x < 0 ? x * 0x8000 : x * 0x7fff, true);
      at += 2;
    }
  return new Uint8Array(out.buffer);
}
