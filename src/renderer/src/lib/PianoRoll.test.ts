import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NoteArrays } from '../../../shared/api';
import PianoRoll from './PianoRoll.svelte';

// jsdom has no canvas (getContext answers null): a stand-in 2D context records each fillRect with the
// fill style it was drawn in, so the tests can find the notes the roll drew and where.
interface Rect {
  style: string;
  x: number;
  y: number;
  w: number;
  h: number;
}
let rects: Rect[] = [];
beforeEach(() => {
  rects = [];
  const g = {
    fillStyle: '',
    font: '',
    setTransform() {},
    fillText() {},
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ style: String(g.fillStyle), x, y, w, h });
    },
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(g as unknown as CanvasRenderingContext2D);
});
afterEach(() => vi.restoreAllMocks());

// Two notes a fifth apart in the first voice, one in the second; a 10 s piece.
const notes: NoteArrays = {
  start: [1, 4, 6],
  end: [2, 5, 8],
  pitch: [60, 67, 64],
  velocity: [127, 64, 100],
  voice: [0, 0, 1],
  seconds: 10,
  bpm: 120,
  soloProgram: null,
};
const KEYS_W = 44;
// The roll's default 800 px width less the keyboard, fitted to the 10 s piece.
const pxPerS = (800 - KEYS_W) / 10;

const noteRects = () => rects.filter((r) => /^rgba\((122,162,255|255,170,90),/.test(r.style));
const lastFrame = () => {
  // Each frame starts by painting the background over the whole canvas.
  const i = rects.findLastIndex((r) => r.style === '#15171c');
  return rects.slice(i);
};
async function drawn(): Promise<Rect[]> {
  await vi.waitFor(() => expect(noteRects().length).toBeGreaterThan(0));
  return lastFrame().filter((r) => /^rgba\((122,162,255|255,170,90),/.test(r.style));
}

describe('PianoRoll', () => {
  it('fits the piece and draws each note at its time and pitch, coloured by voice and velocity', async () => {
    render(PianoRoll, { notes, follow: false });
    const drawnNotes = await drawn();
    expect(drawnNotes).toHaveLength(3);
    // Pitch range 60–67 plus margins: 12 rows of 320 px is over the 14 px cap, with 69 at the top.
    const rowH = 14;
    const [c4, g4, e4] = drawnNotes;
    expect(c4!.x).toBeCloseTo(KEYS_W + 1 * pxPerS);
    expect(c4!.w).toBeCloseTo(pxPerS - 1);
    expect(c4!.y).toBeCloseTo((69 - 60) * rowH + 0.5);
    expect(c4!.style).toBe('rgba(122,162,255,1.00)');
    expect(g4!.y).toBeCloseTo((69 - 67) * rowH + 0.5);
    expect(g4!.style).toBe(`rgba(122,162,255,${(0.35 + (0.65 * 64) / 127).toFixed(2)})`);
    expect(e4!.style.startsWith('rgba(255,170,90,')).toBe(true);
    expect(e4!.w).toBeCloseTo(2 * pxPerS - 1);
  });

  it('zooms in about the middle of the view from its + button', async () => {
    render(PianoRoll, { notes, follow: false });
    await drawn();
    rects = [];
    await userEvent.click(screen.getByTitle('Zoom in'));
    const after = await drawn();
    const g4 = after.find((r) => r.y === (69 - 67) * 14 + 0.5)!;
    // The middle (5 s) stays put; a 1 s note is now 1.5 times as wide.
    expect(g4.w).toBeCloseTo(1.5 * pxPerS - 1);
    expect(g4.x).toBeCloseTo(KEYS_W + (4 - (5 - (800 - KEYS_W) / 2 / (1.5 * pxPerS))) * 1.5 * pxPerS);
  });

  it('seeks on a click and loops a shift-dragged region; a shift-click clears the loop', async () => {
    const onseek = vi.fn();
    const onloop = vi.fn();
    render(PianoRoll, { notes, follow: false, onseek, onloop });
    const canvas = screen.getByLabelText(/Piano roll/);
    const at = (s: number) => ({ clientX: KEYS_W + s * pxPerS, button: 0 });

    await fireEvent.mouseDown(canvas, at(4));
    expect(onseek).toHaveBeenCalledOnce();
    expect(onseek.mock.calls[0]![0]).toBeCloseTo(4);

    await fireEvent.mouseDown(canvas, { ...at(6), shiftKey: true });
    await fireEvent.mouseMove(canvas, at(2));
    await fireEvent.mouseUp(canvas, at(2));
    const region = onloop.mock.lastCall![0] as { from: number; to: number };
    expect(region.from).toBeCloseTo(2);
    expect(region.to).toBeCloseTo(6);
    expect(onseek).toHaveBeenCalledOnce(); // a drag does not seek

    await fireEvent.mouseDown(canvas, { ...at(3), shiftKey: true });
    await fireEvent.mouseUp(canvas, at(3));
    expect(onloop).toHaveBeenLastCalledWith(null);
  });

  it('follows the playhead when it leaves the view', async () => {
    const { rerender } = render(PianoRoll, { notes: { ...notes, seconds: 1 }, time: 0 });
    await vi.waitFor(() => expect(rects.some((r) => r.style === '#ff5d73')).toBe(true));
    // Fitted to 1 s the view is 1 s wide; at 5 s the view jumps so the playhead sits a tenth in.
    rects = [];
    await rerender({ time: 5 });
    await vi.waitFor(() => expect(rects.some((r) => r.style === '#ff5d73')).toBe(true));
    const playhead = lastFrame().find((r) => r.style === '#ff5d73')!;
    expect(playhead.x + 1).toBeCloseTo(KEYS_W + 0.1 * (800 - KEYS_W));
  });
});
