import type { NoteArrays } from '../../../shared/api';
import type { Player } from './player';

/**
 * One player for the whole studio, with reactive state for the transport and the roll's playhead.
 * tone (and the player built on it) loads on first use, so the library paints without it.
 */
class Playback {
  private player: Player | null = null;
  private loading: Promise<Player> | null = null;
  time = $state(0);
  playing = $state(false);
  tempo = $state(1);
  sampled = $state(false);
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
      p.load(this.notes);
      p.setLoop(this.loop);
      p.setTempo(this.tempo);
      this.player = p;
      return p;
    });
    return this.loading;
  }

  load(key: string, notes: NoteArrays | null): void {
    if (key === this.key && notes === this.notes) return;
    cancelAnimationFrame(this.raf);
    this.player?.load(notes);
    this.key = key;
    this.notes = notes;
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
    await p.play(this.loop && (this.time < this.loop.from || this.time > this.loop.to) ? this.loop.from : this.time);
    this.sampled = p.sampled;
    this.playing = true;
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

  async renderWav(range?: { from: number; to: number }): Promise<Uint8Array> {
    return (await this.ready).renderWav(range);
  }
}

export const playback = new Playback();
