import { BasicMIDI } from 'spessasynth_core';
import { Sequencer, WorkletSynthesizer } from 'spessasynth_lib';
// The synthesizer's AudioWorklet processor, emitted by Vite as one of the renderer's own assets:
// served from the app's origin (script-src 'self'), never from a CDN.
import processorUrl from 'spessasynth_lib/dist/spessasynth_processor.min.js?url';
import type { NoteArrays } from '../../../shared/api';
import { notesToSmf } from './smf';
import { encodeWav16, normalizePeak } from '../../../shared/wav';
import { loadBank, type SoundBank } from './soundBank';

/** The MIDI file to play for an item (a sample's own file), whole or a region of it. */
export type MidiSource = (range?: { from: number; to: number }) => Promise<Uint8Array>;

/** Where the sequencer's MIDI goes instead of the synthesizer (a Web MIDI output). */
export interface MidiSink {
  name: string;
  send(data: number[]): void;
}

const SAMPLE_RATE = 44100;
/** Seconds of release after the last note in an exported WAV. */
const TAIL = 1.5;

const copy = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

/**
 * Plays a piece as General MIDI through spessasynth (an AudioWorklet synthesizer with a SoundFont):
 * every program the file names, play/pause, seek, a looped region and a tempo factor; or sends it to
 * a MIDI output. `time` is the position in the piece's own seconds.
 */
export class Player {
  private ctx: AudioContext | null = null;
  private synth: WorkletSynthesizer | null = null;
  private seq: Sequencer | null = null;
  private starting: Promise<void> | null = null;
  private bankPromise: Promise<SoundBank | { error: string }> | null = null;
  private notes: NoteArrays | null = null;
  private midi: MidiSource | null = null;
  /** Bumped by every load, so a song that finishes loading late is not the current one. */
  private generation = 0;
  private loadedGeneration = -1;
  private pendingTime = 0;
  private rate = 1;
  private loopRange: { from: number; to: number } | null = null;
  private loopTimer: ReturnType<typeof setInterval> | null = null;
  private lastJump = 0;
  private sink: MidiSink | null = null;
  /** What plays: the sound bank's name, the MIDI output, or why there is no sound. */
  sound = '';
  /** True once a sound bank is loaded (false: silent, see `sound`). */
  sampled = false;
  onend: (() => void) | null = null;

  private bank(): Promise<SoundBank | { error: string }> {
    this.bankPromise ??= loadBank();
    return this.bankPromise;
  }

  private describe(bank: SoundBank | { error: string }): void {
    this.sampled = 'bytes' in bank;
    this.sound = this.sink ? `MIDI out: ${this.sink.name}` : 'bytes' in bank ? bank.name : bank.error;
  }

  private async start(): Promise<void> {
    const ctx = new AudioContext({ latencyHint: 'playback' });
    await ctx.audioWorklet.addModule(processorUrl);
    const synth = new WorkletSynthesizer(ctx);
    synth.connect(ctx.destination);
    await synth.isReady;
    const bank = await this.bank();
    if ('bytes' in bank) await this.addBank(synth, bank);
    this.describe(bank);
    const seq = new Sequencer(synth, { skipToFirstNoteOn: false });
    seq.loopCount = 0;
    seq.eventHandler.addEvent('songEnded', 'clara', () => {
      this.pendingTime = 0;
      this.onend?.();
    });
    this.ctx = ctx;
    this.synth = synth;
    this.seq = seq;
    if (this.sink) this.connectSink();
  }

  private connectSink(): void {
    const sink = this.sink;
    // Web MIDI without sysex refuses system-exclusive messages (the sequencer's GS reset).
    this.seq?.connectMIDIOutput(sink ? { send: (d) => void (d[0] !== 0xf0 && sink.send(d)) } : undefined);
  }

  private addBank(synth: WorkletSynthesizer, bank: SoundBank): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise<void>((resolve, reject) => {
      synth.eventHandler.addEvent('soundBankError', 'clara-bank', (e) =>
        reject(new Error(`${bank.name}: ${e.message}`)),
      );
      timer = setTimeout(() => reject(new Error(`${bank.name}: the synthesizer did not load it`)), 60_000);
      synth.soundBankManager.addSoundBank(bank.bytes.slice(0), 'main').then(resolve, reject);
    }).finally(() => {
      clearTimeout(timer);
      synth.eventHandler.removeEvent('soundBankError', 'clara-bank');
    });
  }

  private ready(): Promise<void> {
    this.starting ??= this.start().catch((e: unknown) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  /** Loads the item's song into the sequencer when it is not already there. */
  private async song(): Promise<Sequencer> {
    await this.ready();
    const seq = this.seq!;
    if (this.loadedGeneration === this.generation) return seq;
    const gen = this.generation;
    const bytes = this.midi ? await this.midi() : notesToSmf(this.notes!);
    if (gen !== this.generation) throw new Error('superseded');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the synthesizer did not load the piece')), 15_000);
      seq.eventHandler.addEvent('songChange', 'clara-load', () => {
        clearTimeout(timer);
        resolve();
      });
      seq.loadNewSongList([{ binary: copy(bytes), fileName: 'clara.mid' }]);
    }).finally(() => seq.eventHandler.removeEvent('songChange', 'clara-load'));
    seq.pause();
    seq.playbackRate = this.rate;
    this.loadedGeneration = gen;
    return seq;
  }

  load(notes: NoteArrays | null, midi: MidiSource | null = null): void {
    this.stop();
    this.generation++;
    this.notes = notes;
    this.midi = midi;
    this.loopRange = null;
    this.pendingTime = 0;
  }

  private get current(): boolean {
    return this.seq !== null && this.loadedGeneration === this.generation;
  }

  get playing(): boolean {
    return this.current && !this.seq!.paused;
  }

  /** Position in the piece's seconds. */
  get time(): number {
    if (!this.current) return this.pendingTime;
    const seq = this.seq!;
    return seq.paused ? seq.currentTime : Math.max(0, seq.currentHighResolutionTime);
  }

  async play(from?: number): Promise<void> {
    if (!this.notes) return;
    const seq = await this.song();
    await this.ctx!.resume();
    seq.currentTime = from ?? this.pendingTime;
    seq.play();
    this.watchLoop();
  }

  pause(): void {
    if (this.current) {
      this.pendingTime = this.seq!.currentTime;
      this.seq!.pause();
    }
    this.watchLoop();
  }

  stop(): void {
    if (this.current && !this.seq!.paused) this.seq!.pause();
    this.pendingTime = 0;
    this.watchLoop();
  }

  seek(seconds: number): void {
    const t = Math.max(0, seconds);
    this.pendingTime = t;
    if (this.current) {
      this.seq!.currentTime = t;
      this.lastJump = performance.now();
    }
  }

  setLoop(range: { from: number; to: number } | null): void {
    this.loopRange = range;
    if (range && this.playing && (this.time < range.from || this.time > range.to)) this.seek(range.from);
    this.watchLoop();
  }

  /** A looped region: the sequencer jumps back to its start whenever it passes its end. */
  private watchLoop(): void {
    const want = this.loopRange !== null && this.playing;
    if (want && this.loopTimer === null)
      this.loopTimer = setInterval(() => {
        const r = this.loopRange;
        if (!r || !this.playing) return this.watchLoop();
        if (performance.now() - this.lastJump > 120 && this.seq!.currentTime >= r.to) this.seek(r.from);
      }, 10);
    else if (!want && this.loopTimer !== null) {
      clearInterval(this.loopTimer);
      this.loopTimer = null;
    }
  }

  setTempo(factor: number): void {
    this.rate = factor;
    if (this.seq) this.seq.playbackRate = factor;
  }

  /** Plays to a MIDI output instead of the sound bank (null: back to the sound bank). */
  setOutput(sink: MidiSink | null): void {
    this.sink = sink;
    this.connectSink();
    if (this.bankPromise) void this.bankPromise.then((b) => this.describe(b));
    else this.sound = sink ? `MIDI out: ${sink.name}` : '';
  }

  /** Gets the synthesizer going (a keyboard about to be played through it). */
  warm(): Promise<void> {
    return this.ready();
  }

  /** Sounds a live MIDI message (a key played on the keyboard) through the sound bank or the MIDI output. */
  async live(data: Uint8Array | number[]): Promise<void> {
    await this.ready();
    if (data[0] === 0xf0) return;
    if (this.sink) return this.sink.send([...data]);
    if (this.ctx!.state !== 'running') void this.ctx!.resume();
    this.synth!.sendMessage(data);
  }

  /** Takes the sound bank again from the settings (after the user chose or forgot one). */
  async reloadBank(): Promise<void> {
    this.bankPromise = null;
    const bank = await this.bank();
    if (this.synth && 'bytes' in bank) await this.addBank(this.synth, bank);
    this.describe(bank);
  }

  /** Renders the piece (or a region) to a 16-bit stereo WAV offline, with the same sound bank. */
  async renderWav(range?: { from: number; to: number }): Promise<Uint8Array> {
    if (!this.notes) throw new Error('nothing loaded');
    const bank = await this.bank();
    if (!('bytes' in bank)) throw new Error(`cannot render a WAV: ${bank.error}`);
    const bytes = this.midi ? await this.midi(range) : notesToSmf(this.notes, range);
    const midi = BasicMIDI.fromArrayBuffer(copy(bytes), 'clara.mid');
    const seconds = (range ? range.to - range.from : Math.max(this.notes.seconds, midi.duration)) + TAIL;
    const ctx = new OfflineAudioContext({
      numberOfChannels: 2,
      sampleRate: SAMPLE_RATE,
      length: Math.ceil(seconds * SAMPLE_RATE),
    });
    await ctx.audioWorklet.addModule(processorUrl);
    const synth = new WorkletSynthesizer(ctx);
    synth.connect(ctx.destination);
    await synth.startOfflineRender({
      midiSequence: midi,
      soundBankList: [{ bankOffset: 0, soundBankBuffer: bank.bytes.slice(0) }],
      loopCount: 0,
      sequencerOptions: { skipToFirstNoteOn: false },
    });
    const buffer = await ctx.startRendering();
    synth.destroy();
    // The same loudness and encoder as `clara render` (shared/wav.ts), so both give the same file.
    const channels = [buffer.getChannelData(0), buffer.getChannelData(1)];
    normalizePeak(channels);
    return encodeWav16(channels, SAMPLE_RATE);
  }
}
