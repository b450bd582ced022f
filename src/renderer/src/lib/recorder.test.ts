import { Midi } from '@tonejs/midi';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NoteArrays } from '../../../shared/api';
import { Recorder } from './recorder';
import { notesToSmf } from './smf';

// The recorder on a clock the test moves: 120 bpm, so a beat is 500 ms and the count-in bar 2 s
// (plus the 60 ms the recorder leaves before its first click).
let clock = 0;
const now = () => clock;
beforeEach(() => {
  vi.useFakeTimers();
  clock = 1000;
});
afterEach(() => vi.useRealTimers());

function advance(ms: number): void {
  clock += ms;
  vi.advanceTimersByTime(ms);
}

describe('Recorder', () => {
  it('counts in one bar with a click per beat (accent on the one), then records', () => {
    const clicks: Array<[number, boolean]> = [];
    const r = new Recorder({ bpm: 120, metronome: false, now, click: (at, accent) => clicks.push([at, accent]) });
    r.start();
    expect(r.state).toBe('count-in');
    advance(1000);
    expect(r.state).toBe('count-in');
    expect(r.elapsed).toBeCloseTo(-1.06, 5);
    advance(1100);
    expect(r.state).toBe('recording');
    advance(3000);
    r.stop();
    // Four clicks of count-in, none while recording with the metronome off.
    expect(clicks).toEqual([
      [1060, true],
      [1560, false],
      [2060, false],
      [2560, false],
    ]);
  });

  it('keeps clicking while recording when the metronome is on', () => {
    const clicks: number[] = [];
    const r = new Recorder({ bpm: 120, beatsPerBar: 3, now, click: (at) => clicks.push(at) });
    r.start();
    advance(3000);
    r.stop();
    expect(clicks.length).toBeGreaterThan(5);
  });

  it('times notes from the downbeat, keeps a pickup on it, drops notes of the count-in and holds the pedal', () => {
    const r = new Recorder({ bpm: 120, now });
    r.start();
    const downbeat = 1000 + 60 + 2000;
    r.message([0x90, 50, 70], downbeat - 1500); // wholly inside the count-in: dropped
    r.message([0x80, 50, 0], downbeat - 1000);
    r.message([0x90, 60, 100], downbeat - 20); // a pickup just early: starts on the downbeat
    r.message([0x80, 60, 0], downbeat + 500);
    r.message([0x91, 64, 80], downbeat + 500); // any channel
    r.message([0xb0, 64, 127], downbeat + 600); // pedal down
    r.message([0x90, 67, 0], downbeat + 700); // a note-on with velocity 0 is a note-off
    r.message([0x81, 64, 0], downbeat + 800); // released under the pedal: sounds on
    r.message([0xb0, 64, 0], downbeat + 1500); // pedal up: it ends here
    advance(2060 + 2000);
    r.message([0x90, 72, 90], clock - 500); // still held when recording stops
    r.stop();
    expect(r.state).toBe('stopped');
    expect(r.notes()).toEqual([
      { pitch: 60, start: 0, end: 0.5, velocity: 100 },
      { pitch: 64, start: 0.5, end: 1.5, velocity: 80 },
      { pitch: 72, start: 1.5, end: 2, velocity: 90 },
    ]);
    // Messages after stopping are ignored.
    r.message([0x90, 40, 90], clock);
    expect(r.notes()).toHaveLength(3);
  });

  it('draws sounding notes up to now for the live piano roll', () => {
    const r = new Recorder({ bpm: 120, now });
    r.start();
    advance(2060 + 1000);
    r.message([0x90, 62, 90], clock - 250);
    const live = r.noteArrays();
    expect(live.pitch).toEqual([62]);
    expect(live.start[0]).toBeCloseTo(0.75, 5);
    expect(live.end[0]).toBeCloseTo(1, 5);
    expect(live.seconds).toBeGreaterThanOrEqual(2);
    r.stop();
  });

  it('writes a type-1 MIDI file with its tempo, metre and notes', () => {
    const r = new Recorder({ bpm: 90, beatsPerBar: 3, now });
    r.start();
    const downbeat = clock + 60 + 2000;
    advance(2060 + 4000);
    r.message([0x90, 60, 100], downbeat + 0);
    r.message([0x80, 60, 0], downbeat + 1000);
    r.message([0x90, 67, 64], downbeat + 1000);
    r.stop();
    const bytes = r.toMidi();
    // MThd: format 1, two tracks (the conductor with tempo and metre, then the part).
    expect([bytes[9], bytes[11]]).toEqual([1, 2]);
    const midi = new Midi(bytes);
    expect(midi.header.tempos[0]!.bpm).toBeCloseTo(90, 3);
    expect(midi.header.timeSignatures[0]!.timeSignature).toEqual([3, 4]);
    const notes = midi.tracks.flatMap((t) => t.notes);
    expect(notes.map((n) => [n.midi, +n.time.toFixed(3), +n.duration.toFixed(3), n.velocity > 0])).toEqual([
      [60, 0, 1, true],
      [67, 1, 3, true],
    ]);
  });
});

describe('notesToSmf', () => {
  const notes: NoteArrays = {
    pitch: [60, 76, 64],
    start: [0, 1, 2],
    end: [1.5, 3, 4],
    velocity: [80, 90, 100],
    voice: [0, 1, 0],
    seconds: 4,
    bpm: 75,
    soloProgram: 42,
  };

  it('writes the piano on channel 0 and the solo part with its program on channel 1', () => {
    const midi = new Midi(notesToSmf(notes));
    const parts = midi.tracks.filter((t) => t.notes.length);
    expect(parts.map((t) => [t.channel, t.instrument.number, t.notes.map((n) => n.midi)])).toEqual([
      [0, 0, [60, 64]],
      [1, 42, [76]],
    ]);
    expect(parts[1]!.notes[0]!.time).toBeCloseTo(1, 3);
    expect(parts[0]!.notes[1]!.duration).toBeCloseTo(2, 3);
  });

  it('cuts a region at its edges, starting at zero', () => {
    const midi = new Midi(notesToSmf(notes, { from: 1, to: 2.5 }));
    const all = midi.tracks
      .flatMap((t) => t.notes)
      .map((n) => [n.midi, +n.time.toFixed(3), +n.duration.toFixed(3)])
      .sort((a, b) => a[0]! - b[0]!);
    expect(all).toEqual([
      [60, 0, 0.5],
      [64, 1, 0.5],
      [76, 0, 1.5],
    ]);
  });
});
