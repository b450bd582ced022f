import { describe, expect, it } from 'vitest';
import { makeMidi, Q, STEP12 } from '../../testing/makeMidi';
import { readMidi } from '../midi/read';
import { decodeNotewise, encodeNotewise, notewiseVocabulary } from './notewise';
import { resolveEncodingOptions } from './options';
import { binVelocity, velocityBin } from './velocity';
import { quantize, type StepNote } from './steps';
import { encodePiece } from './index';

// Clara's own text has no dynamics words: these tests pin that format (dynamics are tested below).
const o12 = resolveEncodingOptions({ sampleFreq: 12, velocityBins: 0 });
const o4 = resolveEncodingOptions({ sampleFreq: 4, velocityBins: 0 });

function words(tracks: Parameters<typeof makeMidi>[0], o = o12): string {
  return encodePiece(readMidi(makeMidi(tracks), { pedal: false }), 'notewise', o).join(' ');
}

describe('notewise encoding', () => {
  it('writes an eighth note as Clara did: the end in its last step, before that step’s wait', () => {
    // MIDI 71 is key 38 of the range starting at MIDI 33.
    expect(words([{ notes: [[71, 0, Q / 2]] }])).toBe('p38 wait5 endp38 wait1');
  });

  it('writes two eighth notes in a row, and a note shorter than a step as one step', () => {
    expect(
      words([
        {
          notes: [
            [45, 0, Q / 2],
            [51, Q / 2, Q / 2],
          ],
        },
      ]),
    ).toBe('p12 wait5 endp12 wait1 p18 wait5 endp18 wait1');
    expect(words([{ notes: [[45, 0, 5]] }])).toBe('p12 endp12 wait1');
  });

  it('quantises in ticks: triplets and sixteenths land on exact steps at 12 per quarter', () => {
    const triplet = Q / 3;
    const sixteenth = Q / 4;
    const p = readMidi(
      makeMidi([
        {
          notes: [
            [60, 0, triplet],
            [62, triplet, triplet],
            [64, 2 * triplet, triplet],
            [65, Q, sixteenth],
            [67, Q + sixteenth, sixteenth],
          ],
        },
      ]),
    );
    const steps = quantize(p.notes, p.ppq, o12);
    expect(steps.map((n) => [n.start, n.dur])).toEqual([
      [0, 4],
      [4, 4],
      [8, 4],
      [12, 3],
      [15, 3],
    ]);
  });

  it('merges waits up to two quarter notes per word and repeats the word for longer rests', () => {
    expect(
      words([
        {
          notes: [
            [45, 0, STEP12],
            [45, 61 * STEP12, STEP12],
          ],
        },
      ]),
    ).toBe('p12 endp12 wait24 wait24 wait13 p12 endp12 wait1');
    expect(
      words(
        [
          {
            notes: [
              [45, 0, Q / 4],
              [45, 3 * Q, Q / 4],
            ],
          },
        ],
        o4,
      ),
    ).toBe('p12 endp12 wait8 wait4 p12 endp12 wait1');
  });

  it('keeps leading silence as waits, so onsets are exact', () => {
    expect(words([{ notes: [[45, Q, STEP12]] }])).toBe('wait12 p12 endp12 wait1');
  });

  it('ends a held note before the same key is struck again', () => {
    // Two overlapping notes on one key (as a pedal or octave folding makes them).
    expect(words([{ notes: [[45, 0, 4 * STEP12]] }, { channel: 1, notes: [[45, 2 * STEP12, 4 * STEP12]] }])).toBe(
      'p12 wait1 endp12 wait1 p12 wait3 endp12 wait1',
    );
  });

  it('moves out-of-range notes by octaves into the 62-note range (MIDI 33–94)', () => {
    expect(words([{ notes: [[21, 0, STEP12]] }])).toBe('p0 endp0 wait1'); // A0 → A1
    expect(words([{ notes: [[108, 0, STEP12]] }])).toBe('p51 endp51 wait1'); // C8 → C6 (84)
  });

  it('puts the solo voice before the piano in each step and raises it into violin range', () => {
    // A cello C3 (48) is key 15, below the violin's G3 (key 22): it moves up an octave to key 27.
    const w = words([
      { program: 42, channel: 0, notes: [[48, 0, STEP12]] },
      { program: 0, channel: 1, notes: [[45, 0, STEP12]] },
    ]);
    expect(w).toBe('v27 endv27 p12 endp12 wait1');
  });

  it('decodes back to the same notes, and tolerates ill-formed generated text', () => {
    const notes: StepNote[] = [
      { voice: 'p', key: 12, start: 0, dur: 6, velocity: 80 },
      { voice: 'p', key: 16, start: 0, dur: 3, velocity: 80 },
      { voice: 'v', key: 30, start: 2, dur: 30, velocity: 80 },
      { voice: 'p', key: 12, start: 6, dur: 1, velocity: 80 },
    ];
    const back = decodeNotewise(encodeNotewise(notes, o12), o12);
    expect(back.skipped).toBe(0);
    expect(back.notes.map(({ voice, key, start, dur }) => ({ voice, key, start, dur }))).toEqual(
      [...notes]
        .sort((a, b) => a.start - b.start || (a.voice === 'v' ? -1 : 1) || a.key - b.key)
        .map(({ voice, key, start, dur }) => ({ voice, key, start, dur })),
    );
    const messy = decodeNotewise('endp3 p5 p5 wait2 p5 wait1 bogus p99 p7 wait4'.split(' '), o12);
    expect(messy.skipped).toBe(4); // endp3 with nothing sounding, the duplicate p5, "bogus", key 99 out of range
    expect(messy.notes.map((n) => [n.key, n.start, n.dur])).toEqual([
      [5, 0, 2],
      [5, 2, 5],
      [7, 3, 4],
    ]);
  });

  it('has about 150 words for piano at 12 steps per quarter, as in Clara', () => {
    expect(notewiseVocabulary(o12, false)).toHaveLength(62 * 2 + 24);
    expect(notewiseVocabulary(o12, true)).toHaveLength(62 * 2 + 40 * 2 + 24);
  });
});

describe('notewise dynamics', () => {
  const od = resolveEncodingOptions({ sampleFreq: 12, velocityBins: 16 });
  const note = (key: number, start: number, velocity: number): StepNote => ({
    voice: 'p',
    key,
    start,
    dur: 2,
    velocity,
  });

  it('writes a velocity bin before a start only when it changes, and reads it back at bin resolution', () => {
    const notes = [note(10, 0, 100), note(14, 0, 101), note(17, 4, 40), note(20, 8, 40)];
    expect(encodeNotewise(notes, od).join(' ')).toBe(
      'd12 p10 p14 wait1 endp10 endp14 wait3 d4 p17 wait1 endp17 wait3 p20 wait1 endp20 wait1',
    );
    const back = decodeNotewise(encodeNotewise(notes, od), od).notes;
    expect(back.map((n) => n.velocity)).toEqual([
      binVelocity(12, 16),
      binVelocity(12, 16),
      binVelocity(4, 16),
      binVelocity(4, 16),
    ]);
  });

  it('is exact at bin resolution for every velocity: bin(centre(bin(v))) = bin(v)', () => {
    for (const bins of [2, 8, 16, 32])
      for (let v = 1; v <= 127; v++) {
        const b = velocityBin(v, bins);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(bins);
        expect(velocityBin(binVelocity(b, bins), bins)).toBe(b);
      }
  });

  it('round-trips a real piece: notes, and velocities to their bin centres', async () => {
    const { readMidi } = await import('../midi/read');
    const { quantize } = await import('./steps');
    const fs = await import('node:fs');
    const { demoCorpus } = await import('../../testing/corpora');
    const path = await import('node:path');
    const dir = path.join(demoCorpus, 'Mozart');
    const file = path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.mid'))!,
    );
    const piece = readMidi(fs.readFileSync(file), { path: file });
    const steps = quantize(piece.notes, piece.ppq, od);
    const back = decodeNotewise(encodeNotewise(steps, od), od).notes;
    expect(back.map(({ velocity: _v, ...n }) => n)).toEqual(steps.map(({ velocity: _v, ...n }) => n));
    expect(back.map((n) => n.velocity)).toEqual(steps.map((n) => binVelocity(velocityBin(n.velocity, 16), 16)));
    expect(new Set(back.map((n) => n.velocity)).size).toBeGreaterThan(4);
  });

  it('reads text without dynamics (older checkpoints) at the default velocity', () => {
    const back = decodeNotewise(['p10', 'wait1', 'endp10', 'wait1'], od).notes;
    expect(back[0]!.velocity).toBe(80);
  });
});
