import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NoteArrays } from '../../../shared/api';
import { playback } from './playback.svelte';
import Transport from './Transport.svelte';

// The synthesizer needs Web Audio, which jsdom lacks: the player behind the studio's one playback is a fake that
// records what the transport asks of it.
const made = vi.hoisted(() => [] as FakePlayer[]);
interface FakePlayer {
  playing: boolean;
  time: number;
  sampled: boolean;
  setTempo: (f: number) => void;
}
vi.mock('./player', () => ({
  Player: class {
    playing = false;
    time = 0;
    sampled = true;
    sound = 'Clara GM (shipped)';
    onend: (() => void) | null = null;
    load = vi.fn();
    setLoop = vi.fn();
    setTempo = vi.fn();
    seek = vi.fn();
    setOutput = vi.fn();
    constructor() {
      made.push(this);
    }
    async play(from = 0): Promise<void> {
      this.time = from;
      this.playing = true;
    }
    pause(): void {
      this.playing = false;
    }
  },
}));

const notes: NoteArrays = {
  start: [0],
  end: [1],
  pitch: [60],
  velocity: [80],
  voice: [0],
  seconds: 125,
  bpm: 120,
  soloProgram: null,
};

afterEach(() => {
  if (playback.playing) void playback.toggle();
  playback.load('', null);
});

describe('Transport', () => {
  it('plays and pauses the loaded item, and shows its time against the total', async () => {
    playback.load('sample:1', notes);
    render(Transport, { total: 125, mine: true });
    const play = screen.getByTestId('play');
    expect(play).toHaveTextContent('▶ Play');
    expect(screen.getByTestId('time')).toHaveTextContent('0:00 / 2:05');

    await userEvent.click(play);
    await vi.waitFor(() => expect(play).toHaveAccessibleName('Pause'));
    expect(play).toHaveTextContent('❚❚ Pause');
    // What sounds: the sound bank's name.
    expect(screen.getByTestId('sound')).toHaveTextContent('Clara GM (shipped)');

    // The playhead follows the player frame by frame.
    made.at(-1)!.time = 75;
    await vi.waitFor(() => expect(screen.getByTestId('time')).toHaveTextContent('1:15 / 2:05'));

    await userEvent.click(play);
    await vi.waitFor(() => expect(play).toHaveAccessibleName('Play'));
    expect(made.at(-1)!.playing).toBe(false);
  });

  it("shows neither the playhead nor the loop of another item's playback", async () => {
    playback.load('piece:7', notes);
    playback.setLoop({ from: 10, to: 20 });
    await playback.toggle();
    playback.time = 42;
    render(Transport, { total: 60, mine: false });
    expect(screen.getByTestId('play')).toHaveTextContent('▶ Play');
    expect(screen.getByTestId('time')).toHaveTextContent('0:00 / 1:00');
    expect(screen.queryByText(/Loop/)).toBeNull();
  });

  it('shows the loop region of its own item', () => {
    playback.load('sample:2', notes);
    playback.setLoop({ from: 10, to: 75 });
    render(Transport, { total: 125, mine: true });
    expect(screen.getByText('Loop 0:10–1:15')).toBeInTheDocument();
  });

  it('sets the tempo when the slider is let go, and shows it as a percentage', async () => {
    playback.load('sample:3', notes);
    await playback.toggle(); // the player exists once something has played
    render(Transport, { total: 125, mine: true });
    const slider = screen.getByRole('slider', { name: 'Tempo' });
    await fireEvent.input(slider, { target: { value: '1.5' } });
    expect(screen.getByText(/150%/)).toBeInTheDocument();
    expect(playback.tempo).toBe(1); // dragging alone does not retime playback
    await fireEvent.change(slider);
    expect(playback.tempo).toBe(1.5);
    expect(made.at(-1)!.setTempo).toHaveBeenLastCalledWith(1.5);
  });
});
