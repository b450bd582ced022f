import midiPkg from '@tonejs/midi';

const { Midi } = midiPkg;

export interface TrackSpec {
  name?: string;
  program?: number;
  channel?: number;
  /** [midi pitch, start tick, duration ticks, velocity 0–1?] */
  notes: Array<[number, number, number, number?]>;
  /** [tick, value 0–127] sustain pedal events */
  pedal?: Array<[number, number]>;
}

/** Builds a Standard MIDI File in memory with @tonejs/midi, for tests of each encoding rule. */
export function makeMidi(tracks: TrackSpec[], opts: { name?: string; text?: string[] } = {}): Uint8Array {
  const midi = new Midi();
  if (opts.name) midi.header.name = opts.name;
  for (const text of opts.text ?? []) midi.header.meta.push({ text, ticks: 0, type: 'text' });
  for (const spec of tracks) {
    const t = midi.addTrack();
    if (spec.name) t.name = spec.name;
    t.channel = spec.channel ?? 0;
    t.instrument.number = spec.program ?? 0;
    for (const [pitch, ticks, durationTicks, velocity] of spec.notes)
      t.addNote({ midi: pitch, ticks, durationTicks, velocity: velocity ?? 0.8 });
    for (const [ticks, value] of spec.pedal ?? []) t.addCC({ number: 64, ticks, value: value / 127 });
  }
  return midi.toArray();
}

/** 480 ticks per quarter note, as @tonejs/midi writes: at 12 steps per quarter, one step is 40 ticks. */
export const Q = 480;
export const STEP12 = Q / 12;
