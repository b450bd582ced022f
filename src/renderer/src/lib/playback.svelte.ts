import type { NoteArrays } from '../../../shared/api';
import type { MidiSink, MidiSource, Player } from './player';

/**
 * One player for the whole studio, with reactive state for the transport and the roll's playhead.
 * The synthesizer (spessasynth, and the player built on it) loads on first use, so the library
 * paints without it.
 */
class Playback {
  private player: Player | null = null;
  private loading: Promise<Player> | null = null;
  private midi: MidiSource | null = null;
  private sink: MidiSink | null = null;
  time = $state(0);
  playing = $state(false);
  tempo = $state(1);
  sampled = $state(false);
  /** What plays: the sound bank's name, the MIDI output, or why nothing sounds. */
  sound = $state('');
  loop = $state<{ from: number; to: number } | null>(null);
  notes = $state<NoteArrays | null>(null);
  /** Which item is loaded ("piece:12", "sample:3"), so views know whether the playhead is theirs. */
  key = $state('');
  private raf = 0;

  private get ready(): Promise<Player> {
    this.loading ??= import('./player').then(({ Player }) => {
      const p = new Player();
      p.onend = () => {
        this.playing = false;
        this.time = 0;
      };
      p.load(this.notes, this.midi);
      p.setLoop(this.loop);
      p.setTempo(this.tempo);
      p.setOutput(this.sink);
      this.player = p;
      return p;
    });
    return this.loading;
  }

  /**
   * Loads an item: its notes (drawn, and played as piano and solo parts) or, given `midi`, its own
   * MIDI file, which plays every program it names.
   */
  load(key: string, notes: NoteArrays | null, midi: MidiSource | null = null): void {
    if (key === this.key && notes === this.notes) return;
    cancelAnimationFrame(this.raf);
    this.player?.load(notes, midi);
    this.key = key;
    this.notes = notes;
    this.midi = midi;
    this.time = 0;
    this.playing = false;
    this.loop = null;
  }

  private tick = () => {
    if (!this.player) return;
    this.time = this.player.time;
    this.playing = this.player.playing;
    if (this.playing) this.raf = requestAnimationFrame(this.tick);
  };

  async toggle(): Promise<void> {
    const p = await this.ready;
    if (p.playing) {
      p.pause();
      this.playing = false;
      cancelAnimationFrame(this.raf);
      return;
    }
    const key = this.key;
    try {
      await p.play(this.loop && (this.time < this.loop.from || this.time > this.loop.to) ? this.loop.from : this.time);
      this.sound = p.sound;
    } catch (e) {
      // Another item loaded meanwhile: not an error. Anything else says why there is no sound.
      if (key === this.key) this.sound = `cannot play: ${e instanceof Error ? e.message : String(e)}`;
      return;
    } finally {
      this.sampled = p.sampled;
    }
    this.playing = p.playing;
    this.raf = requestAnimationFrame(this.tick);
  }

  seek(t: number): void {
    this.player?.seek(t);
    this.time = t;
  }

  setLoop(r: { from: number; to: number } | null): void {
    this.loop = r;
    this.player?.setLoop(r);
  }

  setTempo(factor: number): void {
    this.tempo = factor;
    this.player?.setTempo(factor);
  }

  /** Plays to a MIDI output (a DAW's port, a synthesizer) instead of the sound bank; null: the sound bank. */
  setOutput(sink: MidiSink | null): void {
    this.sink = sink;
    this.player?.setOutput(sink);
    this.sound = this.player ? this.player.sound : sink ? `MIDI out: ${sink.name}` : '';
  }

  /** Loads the synthesizer ahead of a keyboard being played through it. */
  async warm(): Promise<void> {
    const p = await this.ready;
    await p.warm();
    this.sound = p.sound;
  }

  /** Sounds a key played on a MIDI keyboard (never throws: a silent keyboard still records). */
  live(data: Uint8Array | number[]): void {
    void this.ready.then((p) => p.live(data)).catch(() => {});
  }

  /** After the sound bank setting changed: the player takes the new one (now, if it is running). */
  async reloadBank(): Promise<void> {
    if (!this.player) return;
    await this.player.reloadBank();
    this.sampled = this.player.sampled;
    this.sound = this.player.sound;
  }

  async renderWav(range?: { from: number; to: number }): Promise<Uint8Array> {
    return (await this.ready).renderWav(range);
  }
}

export const playback = new Playback();
