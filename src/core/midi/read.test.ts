import { describe, expect, it } from 'vitest';
import { makeMidi, Q } from '../../testing/makeMidi';
import { bigPianoMidi } from '../../testing/bigMidi';
import { MidiInputError } from '../errors';
import { MAX_FILE_BYTES, MAX_NOTES } from './parse';
import { readMidi } from './read';

describe('readMidi', () => {
  it('reads notes in ticks with their voice and the file metadata', () => {
    const bytes = makeMidi(
      [
        {
          name: 'Piano right',
          notes: [
            [60, 0, Q],
            [64, Q, Q],
          ],
        },
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
    const sequencer = makeMidi([{ notes: [[60, 0, Q]] }, { name: 'Debussy: Childrens Corner 2', notes: [] }], {
      text: ['Bernd Krueger'],
    });
    expect(readMidi(sequencer).composer).toBe('Debussy');
    const template = makeMidi([{ notes: [[60, 0, Q]] }, { name: 'Composer: piece', notes: [] }]);
    expect(readMidi(template).composer).toBeNull();
  });

  it('extends piano notes held by the sustain pedal, with the pedal on another track of the same channel', () => {
    const bytes = makeMidi([
      {
        name: 'right',
        channel: 0,
        notes: [
          [60, 0, 100],
          [62, 1000, 100],
        ],
      },
      {
        name: 'pedal',
        channel: 0,
        notes: [],
        pedal: [
          [50, 127],
          [600, 0],
        ],
      },
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
    const bytes = makeMidi([
      {
        notes: [
          [60, 0, 100],
          [64, 200, 300],
        ],
        pedal: [[0, 127]],
      },
    ]);
    const p = readMidi(bytes);
    expect(Math.max(...p.notes.map((n) => n.end))).toBe(500);
  });

  it('finds the solo part by program, or by track name when every program is 0', () => {
    const byProgram = readMidi(
      makeMidi([
        { program: 40, channel: 0, notes: [[76, 0, Q]] },
        { program: 0, channel: 1, notes: [[48, 0, Q]] },
      ]),
    );
    expect(byProgram.ensemble).toBe('solo+piano');
    expect(byProgram.notes.map((n) => n.voice).sort()).toEqual(['p', 'v']);
    const byName = readMidi(
      makeMidi([
        { name: 'clarinette:', notes: [[70, 0, Q]] },
        { name: 'upper:', channel: 1, notes: [[60, 0, Q]] },
      ]),
    );
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
      [
        'truncated',
        makeMidi([
          { notes: Array.from({ length: 50 }, (_, i) => [60 + (i % 12), i * Q, Q] as [number, number, number]) },
        ]).subarray(0, 200),
        /truncated/,
      ],
      ['no notes', makeMidi([{ name: 'silence', notes: [] }]), /no notes/],
      [
        'drums only',
        makeMidi([
          {
            channel: 9,
            notes: [
              [36, 0, Q],
              [38, Q, Q],
            ],
          },
        ]),
        /drums only/,
      ],
      [
        'guitar',
        makeMidi([{ program: 25, notes: [[60, 0, Q]] }]),
        /not a piano or solo-instrument-and-piano piece.*program 25/,
      ],
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

/** Hand-made SMF bytes: the edge files below are written byte by byte, not through a library. */
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const header = (ntracks = 1, extra: number[] = []): number[] => [
  ...ascii('MThd'),
  ...u32(6 + extra.length),
  0,
  1,
  0,
  ntracks,
  0x01,
  0xe0,
  ...extra,
];
const chunk = (id: string, data: number[]): number[] => [...ascii(id), ...u32(data.length), ...data];
const END = [0x00, 0xff, 0x2f, 0x00];
/** Middle C for a quarter, then E for a quarter: 4 events with 1-byte deltas (480 = 0x83 0x60). */
const TWO_NOTES = [0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 0x90, 64, 90, 0x83, 0x60, 0x80, 64, 0];
const nameEvent = (bytes: number[]): number[] => [0x00, 0xff, 0x03, bytes.length, ...bytes];
const smf = (...parts: number[][]): Uint8Array => new Uint8Array(parts.flat());
const notesOf = (p: ReturnType<typeof readMidi>) => p.notes.map((n) => [n.pitch, n.start, n.end]);

function reason(bytes: Uint8Array, path = '/music/edge.mid'): string {
  try {
    readMidi(bytes, { path });
  } catch (e) {
    expect(e).toBeInstanceOf(MidiInputError);
    expect((e as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('read without complaint');
}

describe('SMF edge cases', () => {
  const expected = [
    [60, 0, 480],
    [64, 480, 960],
  ];

  it('skips chunks of unknown type, before and after the tracks', () => {
    const p = readMidi(
      smf(header(1), chunk('XFIH', [1, 2, 3, 4, 5]), chunk('MTrk', [...TWO_NOTES, ...END]), chunk('XFKM', [9, 9])),
    );
    expect(notesOf(p)).toEqual(expected);
  });

  it('reads a header longer than 6 bytes', () => {
    expect(notesOf(readMidi(smf(header(1, [0, 0, 0, 7]), chunk('MTrk', [...TWO_NOTES, ...END]))))).toEqual(expected);
  });

  it('ignores trailing zero bytes, short or chunk-sized', () => {
    for (const pad of [3, 8, 21]) {
      expect(
        notesOf(readMidi(smf(header(1), chunk('MTrk', [...TWO_NOTES, ...END]), new Array<number>(pad).fill(0)))),
      ).toEqual(expected);
    }
  });

  it('refuses a variable-length delta longer than 4 bytes (it would overflow to a negative time)', () => {
    const bad = smf(header(1), chunk('MTrk', [0xff, 0xff, 0xff, 0xff, 0x7f, 0x90, 60, 100, 0x00, 0x80, 60, 0, ...END]));
    expect(reason(bad)).toMatch(/corrupt delta time in track 1.*longer than 4 bytes/);
  });

  it('refuses deltas that add up past the int32 tick range', () => {
    const huge = [0xff, 0xff, 0xff, 0x7f]; // 268,435,455 ticks, the largest 4-byte delta
    const events = [...Array.from({ length: 9 }, () => [...huge, 0x90, 60, 100]).flat(), 0x00, 0x80, 60, 0, ...END];
    expect(reason(smf(header(1), chunk('MTrk', events)))).toMatch(/corrupt delta times in track 1/);
  });

  it('closes a never-ended note at the end of its track, with a warning', () => {
    // C never ends; E does; the track ends two quarters after E's end.
    const events = [
      0x00, 0x90, 60, 100, 0x83, 0x60, 0x90, 64, 90, 0x83, 0x60, 0x80, 64, 0, 0x87, 0x40, 0xff, 0x2f, 0x00,
    ];
    const p = readMidi(smf(header(1), chunk('MTrk', events)));
    expect(notesOf(p)).toEqual([
      [60, 0, 1920],
      [64, 480, 960],
    ]);
    expect(p.warnings).toContain('closed 1 never-ended notes at the end of their track');
  });

  it('strips terminal escapes and other control characters from names', () => {
    const evil = [
      ...ascii('Piano'),
      0x1b,
      ...ascii('[2J'),
      0x1b,
      ...ascii(']0;pwned'),
      0x07,
      0x0a,
      ...ascii('right'),
      0x9b,
    ];
    const p = readMidi(smf(header(1), chunk('MTrk', [...nameEvent(evil), ...TWO_NOTES, ...END])));
    const name = p.tracks[0]!.name;
    expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(name).toBe('Piano right');
  });

  it('decodes names as UTF-8 when they are valid UTF-8, else as Latin-1', () => {
    const utf8 = [...new TextEncoder().encode('Dvořák: Humoreska')];
    const latin1 = [...ascii('R'), 0xea, ...ascii('verie')];
    const a = readMidi(smf(header(1), chunk('MTrk', [...nameEvent(utf8), ...TWO_NOTES, ...END])));
    expect([a.composer, a.title]).toEqual(['Dvořák', 'Humoreska']);
    const b = readMidi(smf(header(1), chunk('MTrk', [...nameEvent(latin1), ...TWO_NOTES, ...END])));
    expect(b.tracks[0]!.name).toBe('Rêverie');
  });

  it('refuses a file over the size cap and over the note cap, naming the file', () => {
    const big = new Uint8Array(MAX_FILE_BYTES + 1);
    big.set(smf(header(1), chunk('MTrk', [...TWO_NOTES, ...END])));
    expect(reason(big)).toMatch(/too large for a MIDI score: 16\.0 MB \(limit 16 MB\)/);
    // One note-on, then MAX_NOTES repeats of it in running status (3 bytes each).
    const ons = new Uint8Array(4 + 3 * MAX_NOTES);
    ons.set([0x00, 0x90, 60, 100]);
    for (let at = 4; at < ons.length; at += 3) ons.set([0x00, 60, 100], at);
    const head = [...header(1), ...ascii('MTrk'), ...u32(ons.length)];
    const over = new Uint8Array(head.length + ons.length);
    over.set(head);
    over.set(ons, head.length);
    expect(reason(over)).toMatch(/too many notes for one piece: more than 1,000,000/);
  });

  it('reads a 100k-note file in linear time', () => {
    const bytes = bigPianoMidi(100_000);
    const t0 = performance.now();
    const p = readMidi(bytes);
    const ms = performance.now() - t0;
    expect(p.notes).toHaveLength(100_000);
    expect(p.tracks.map((t) => t.noteCount)).toEqual([50_000, 50_000]);
    // The quadratic reader took ~2.5 s on this file; linear takes well under half a second.
    expect(ms).toBeLessThan(2000);
  });
});
