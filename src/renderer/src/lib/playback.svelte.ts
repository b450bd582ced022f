import type { NoteArrays } from '../../../shared/api';
import { Player } from './player';

/** One player for the whole studio, with reactive state for the transport and the roll's playhead. */
class Playback {
  readonly player = new Player();
  time = $state(0);
  playing = $state(false);
  tempo = $state(1);
  loop = $state<{ from: number; to: number } | null>(null);
  notes = $state<NoteArrays | null>(null);
  /** Which item is loaded ("piece:12", "sample:3"), so views know whether the playhead is theirs. */
  key = $state('');
  private raf = 0;

  constructor() {
    this.player.onend = () => {
      this.playing = false;
      this.time = 0;
    };
  }

  load(key: string, notes: NoteArrays | null): void {
    if (key === this.key && notes === this.notes) return;
    this.stopTicking();
    this.player.load(notes);
    this.key = key;
    this.notes = notes;
    this.time = 0;
    this.playing = false;
    this.loop = null;
  }

  private tick = () => {
    this.time = this.player.time;
    this.playing = this.player.playing;
    if (this.playing) this.raf = requestAnimationFrame(this.tick);
  };

  private stopTicking(): void {
    cancelAnimationFrame(this.raf);
  }

  async toggle(): Promise<void> {
    if (this.player.playing) {
      this.player.pause();
      this.playing = false;
      this.stopTicking();
      return;
    }
    await this.player.play(this.loop && (this.time < this.loop.from || this.time > this.loop.to) ? this.loop.from : this.time);
    this.playing = true;
    this.raf = requestAnimationFrame(this.tick);
  }

  seek(t: number): void {
    this.player.seek(t);
    this.time = t;
  }

  setLoop(r: { from: number; to: number } | null): void {
    this.loop = r;
    this.player.setLoop(r);
  }
}

export const playback = new Playback();
