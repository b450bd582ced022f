import { describe, expect, it } from 'vitest';
import { makeMidi, Q } from '../../testing/makeMidi';
import { MidiInputError } from '../errors';
import { readMidi } from './read';

describe('readMidi', () => {
  it('reads notes in ticks with their voice and the file metadata', () => {
    const bytes = makeMidi(
      [
        { name: 'Piano right', notes: [[60, 0, Q], [64, Q, Q]] },
        { name: 'Chopin: Valse in A minor', notes: [] },
      ],
      { text: ['Frederic Chopin', 'Vivo'] },
    );
    const p = readMidi(bytes, { fileStem: 'valse' });
    expect(p.ppq).toBe(480);
    expect(p.ensemble).toBe('piano');
    expect(p.composer).toBe('Frederic Chopin');
    expect(p.title).toBe('Valse in A minor');
    expect(p.notes.map((n) => [n.pitch, n.start, n.end, n.voice])).toEqual([
      [60, 0, Q, 'p'],
      [64, Q, 2 * Q, 'p'],
    ]);
  });

  it('does not take a tempo word or the sequencer for the composer', () => {
    const tempoWord = makeMidi([{ name: 'Piano', notes: [[60, 0, Q]] }], { text: ['Vivo'] });
    expect(readMidi(tempoWord).composer).toBeNull();
    const sequencer = makeMidi([{ notes: [[60, 0, Q]] }, { name: 'Debussy: Childrens Corner 2', notes: [] }], { text: ['Bernd Krueger'] });
    expect(readMidi(sequencer).composer).toBe('Debussy');
    const template = makeMidi([{ notes: [[60, 0, Q]] }, { name: 'Composer: piece', notes: [] }]);
    expect(readMidi(template).composer).toBeNull();
  });

  it('extends piano notes held by the sustain pedal, with the pedal on another track of the same channel', () => {
    const bytes = makeMidi([
      { name: 'right', channel: 0, notes: [[60, 0, 100], [62, 1000, 100]] },
      { name: 'pedal', channel: 0, notes: [], pedal: [[50, 127], [600, 0]] },
      { name: 'left, other channel', channel: 1, notes: [[48, 0, 100]] },
    ]);
    const on = readMidi(bytes);
    expect(on.notes.find((n) => n.pitch === 60)!.end).toBe(600);
    expect(on.notes.find((n) => n.pitch === 62)!.end).toBe(1100);
    expect(on.notes.find((n) => n.pitch === 48)!.end).toBe(100);
    const off = readMidi(bytes, { pedal: false });
    expect(off.notes.find((n) => n.pitch === 60)!.end).toBe(100);
  });

  it('holds a never-released pedal only to the end of the piece', () => {
    const bytes = makeMidi([{ notes: [[60, 0, 100], [64, 200, 300]], pedal: [[0, 127]] }]);
    const p = readMidi(bytes);
    expect(Math.max(...p.notes.map((n) => n.end))).toBe(500);
  });

  it('finds the solo part by program, or by track name when every program is 0', () => {
    const byProgram = readMidi(makeMidi([{ program: 40, channel: 0, notes: [[76, 0, Q]] }, { program: 0, channel: 1, notes: [[48, 0, Q]] }]));
    expect(byProgram.ensemble).toBe('solo+piano');
    expect(byProgram.notes.map((n) => n.voice).sort()).toEqual(['p', 'v']);
    const byName = readMidi(makeMidi([{ name: 'clarinette:', notes: [[70, 0, Q]] }, { name: 'upper:', channel: 1, notes: [[60, 0, Q]] }]));
    expect(byName.tracks[0]!.role).toBe('solo');
    expect(byName.tracks[0]!.program).toBe(71);
    expect(byName.tracks[0]!.roleReason).toMatch(/track name/);
    const trio = readMidi(
      makeMidi([
        { program: 60, channel: 0, notes: [[60, 0, Q]] },
        { program: 40, channel: 1, notes: [[76, 0, Q]] },
        { program: 0, channel: 2, notes: [[48, 0, Q]] },
      ]),
    );
    expect(trio.ensemble).toBe('chamber');
  });

  describe('bad input gets a clear reason naming the file', () => {
    const path = '/music/bad.mid';
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['empty', new Uint8Array(0), /empty file/],
      ['not MIDI', new TextEncoder().encode('RIFF....WAVEfmt this is a wave file'), /not a MIDI file/],
      ['header only', makeMidi([{ notes: [[60, 0, Q]] }]).subarray(0, 14), /header only/],
      ['truncated', makeMidi([{ notes: Array.from({ length: 50 }, (_, i) => [60 + (i % 12), i * Q, Q] as [number, number, number]) }]).subarray(0, 200), /truncated/],
      ['no notes', makeMidi([{ name: 'silence', notes: [] }]), /no notes/],
      ['drums only', makeMidi([{ channel: 9, notes: [[36, 0, Q], [38, Q, Q]] }]), /drums only/],
      ['guitar', makeMidi([{ program: 25, notes: [[60, 0, Q]] }]), /not a piano or solo-instrument-and-piano piece.*program 25/],
    ];
    for (const [what, bytes, reason] of cases) {
      it(what, () => {
        let err: unknown;
        try {
          readMidi(bytes, { path });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(MidiInputError);
        expect((err as Error).message).toMatch(reason);
        expect((err as Error).message.startsWith(path)).toBe(true);
      });
    }
  });

  it('ignores percussion beside melodic parts, with a warning', () => {
    const p = readMidi(makeMidi([{ notes: [[60, 0, Q]] }, { channel: 9, notes: [[36, 0, Q]] }]));
    expect(p.notes).toHaveLength(1);
    expect(p.warnings).toEqual(['ignored 1 percussion notes']);
  });
});
