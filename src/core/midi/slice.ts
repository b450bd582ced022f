import { ticksToSecondsFn } from './tempo';
import type { PieceTiming } from './types';
import { readMidi } from './read';
import { soloTrackName, writeParts } from './write';
import type { TickNote } from './types';

/** A piece's notes in seconds at its average tempo, for drawing and playback. */
export function notesInSeconds(
  notes: readonly TickNote[],
  ppq: number,
  durationTicks: number,
  durationSeconds: number,
  tempos?: PieceTiming['tempos'],
) {
  const secPerTick = durationTicks > 0 && durationSeconds > 0 ? durationSeconds / durationTicks : 0.5 / ppq;
  // Through the tempo map where there is one, so notes stay on the music of rubato pieces.
  const seconds = tempos?.length ? ticksToSecondsFn(tempos, ppq) : (t: number) => t * secPerTick;
  const n = notes.length;
  const out = {
    pitch: new Array<number>(n),
    start: new Array<number>(n),
    end: new Array<number>(n),
    velocity: new Array<number>(n),
    voice: new Array<number>(n),
  };
  const order = notes
    .map((_, i) => i)
    .sort((a, b) => notes[a]!.start - notes[b]!.start || notes[a]!.pitch - notes[b]!.pitch);
  order.forEach((i, k) => {
    const x = notes[i]!;
    out.pitch[k] = x.pitch;
    out.start[k] = +seconds(x.start).toFixed(4);
    out.end[k] = +seconds(x.end).toFixed(4);
    out.velocity[k] = x.velocity;
    out.voice[k] = x.voice === 'v' ? 1 : 0;
  });
  return {
    ...out,
    seconds: durationSeconds,
    bpm: tempos?.length ? tempos[0]!.bpm : secPerTick > 0 ? 60 / (secPerTick * ppq) : 120,
  };
}

/**
 * The notes of a MIDI file sounding between two times, as their own file starting at zero (a
 * looped region dragged into a DAW). Notes that cross the edges are cut at them. Tempo is the
 * file's average, which is exact for everything Clara Studio writes (one tempo). The solo part
 * keeps the file's instrument (program and track name) unless another program is given.
 */
export function sliceMidi(bytes: Uint8Array, fromS: number, toS: number, soloProgram?: number): Uint8Array {
  const piece = readMidi(bytes, { pedal: false });
  const soloTrack = piece.tracks.filter((t) => t.role === 'solo').sort((a, b) => b.noteCount - a.noteCount)[0];
  const program = soloProgram ?? soloTrack?.program ?? 40;
  const secPerTick = piece.durationTicks > 0 ? piece.durationSeconds / piece.durationTicks : 0.5 / piece.ppq;
  const from = Math.round(fromS / secPerTick);
  const to = Math.round(toS / secPerTick);
  const cut = [];
  for (const n of piece.notes) {
    const start = Math.max(n.start, from) - from;
    const end = Math.min(n.end, to) - from;
    if (end > start) cut.push({ pitch: n.pitch, start, end, velocity: n.velocity, voice: n.voice });
  }
  return writeParts(piece.ppq, cut, {
    name: 'Clara Studio region',
    bpm: 60 / (secPerTick * piece.ppq),
    soloProgram: program,
    soloName: soloTrackName(program),
  });
}
