import { describe, expect, it } from 'vitest';
import { readMidi } from './read';
import { sliceMidi } from './slice';
import { writeParts } from './write';

const notes = [
  { pitch: 60, start: 0, end: 480, velocity: 80, voice: 'p' as const },
  { pitch: 64, start: 480, end: 1440, velocity: 90, voice: 'p' as const },
  { pitch: 76, start: 240, end: 960, velocity: 70, voice: 'v' as const },
];

describe('writeParts', () => {
  it('writes piano and solo parts that read back note for note, with tempo and program', () => {
    const piece = readMidi(writeParts(480, notes, { name: 'x', bpm: 90, soloProgram: 42 }), { pedal: false });
    const got = piece.notes.map(({ pitch, start, end, velocity, voice }) => ({ pitch, start, end, velocity, voice }));
    expect(got.sort((a, b) => a.start - b.start)).toEqual([notes[0], notes[2], notes[1]]);
    expect(piece.tempos[0]!.bpm).toBeCloseTo(90, 3);
  });

  it('a cut region is written the same way, its notes clipped at the edges', () => {
    // 120 bpm at 480 ppq: 0.5 s a quarter. Cut from 0.25 s (tick 240) to 1 s (tick 960).
    const bytes = writeParts(480, notes, { name: 'x', bpm: 120 });
    const cut = sliceMidi(bytes, 0.25, 1);
    const again = sliceMidi(bytes, 0.25, 1);
    expect(cut).toEqual(again);
    const piece = readMidi(cut, { pedal: false });
    const got = piece.notes.map(({ pitch, start, end, voice }) => ({ pitch, start, end, voice }));
    expect(got.sort((a, b) => a.start - b.start || a.pitch - b.pitch)).toEqual([
      { pitch: 60, start: 0, end: 240, voice: 'p' },
      { pitch: 76, start: 0, end: 720, voice: 'v' },
      { pitch: 64, start: 240, end: 720, voice: 'p' },
    ]);
  });
});
