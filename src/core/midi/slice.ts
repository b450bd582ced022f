import { ticksToSecondsFn } from './tempo';
import type { PieceTiming } from './types';
import { readMidi } from './read';
import { encodeSmf, type SmfEvent } from './smf';
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
 * file's average, which is exact for everything Clara Studio writes (one tempo).
 */
export function sliceMidi(bytes: Uint8Array, fromS: number, toS: number, soloProgram = 40): Uint8Array {
  const piece = readMidi(bytes, { pedal: false });
  const secPerTick = piece.durationTicks > 0 ? piece.durationSeconds / piece.durationTicks : 0.5 / piece.ppq;
  const from = Math.round(fromS / secPerTick);
  const to = Math.round(toS / secPerTick);
  const bpm = 60 / (secPerTick * piece.ppq);
  const tracks: SmfEvent[][] = [
    [
      { tick: 0, type: 'trackName', text: 'Clara Studio region' },
      { tick: 0, type: 'tempo', microsecondsPerBeat: Math.round(60_000_000 / bpm) },
      { tick: 0, type: 'timeSignature', numerator: 4, denominator: 4 },
    ],
  ];
  for (const [voice, channel, program, name] of [
    ['p', 0, 0, 'Piano'],
    ['v', 1, soloProgram, 'Solo'],
  ] as const) {
    const own = piece.notes.filter((n) => n.voice === voice && n.end > from && n.start < to);
    if (!own.length && voice === 'v') continue;
    const body: Array<SmfEvent & { order: number }> = [];
    for (const n of own) {
      const s = Math.max(n.start, from) - from;
      const e = Math.min(n.end, to) - from;
      if (e <= s) continue;
      body.push({ tick: s, order: 1, type: 'noteOn', channel, note: n.pitch, velocity: n.velocity });
      body.push({ tick: e, order: 0, type: 'noteOff', channel, note: n.pitch, velocity: 64 });
    }
    body.sort((a, b) => a.tick - b.tick || a.order - b.order);
    tracks.push([{ tick: 0, type: 'trackName', text: name }, { tick: 0, type: 'program', channel, program }, ...body]);
  }
  return encodeSmf(piece.ppq, tracks);
}
