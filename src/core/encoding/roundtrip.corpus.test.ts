import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { midiFilesUnder, sharedCorpora } from '../../testing/corpora';
import { readMidi } from '../midi/read';
import { writeMidi } from './toMidi';
import { decodeChordwise, encodeChordwise } from './chordwise';
import { decodeNotewise, encodeNotewise } from './notewise';
import { resolveEncodingOptions, type EncodingOptions } from './options';
import { quantize, type StepNote } from './steps';
import { transpose, validShifts } from './transpose';

const { piano, chamber } = sharedCorpora();
const files = [...midiFilesUnder(piano), ...midiFilesUnder(chamber)];

const exact = (notes: StepNote[]): string => notes.map((n) => `${n.voice}${n.key}@${n.start}+${n.dur}`).join(' ');
const onsets = (notes: StepNote[]): string =>
  notes
    .map((n) => `${n.voice}${n.key}@${n.start}`)
    .sort()
    .join(' ');

function roundTrip(o: EncodingOptions) {
  let notesChecked = 0;
  let words = 0;
  for (const file of files) {
    const piece = readMidi(fs.readFileSync(file), { path: file });
    const steps = quantize(piece.notes, piece.ppq, o);
    const withSolo = piece.notes.some((n) => n.voice === 'v');

    const nw = encodeNotewise(steps, o);
    const back = decodeNotewise(nw, o);
    expect(back.skipped, file).toBe(0);
    expect(exact(back.notes), file).toBe(exact(steps));

    const cw = encodeChordwise(steps, o, withSolo);
    const cwBack = decodeChordwise(cw, o);
    expect(cwBack.skipped, file).toBe(0);
    expect(onsets(cwBack.notes), file).toBe(onsets(steps));

    // Through a MIDI file and back: the decoder's output is a playable file with the same notes.
    const reread = readMidi(writeMidi(back.notes, o), { pedal: false });
    expect(exact(quantize(reread.notes, reread.ppq, o)), file).toBe(exact(steps));

    // Every valid transposition round-trips too, and keeps every note in range.
    const shifts = validShifts(steps, o);
    expect(shifts, file).toContain(0);
    const far = shifts[0]!;
    const moved = transpose(steps, far, o);
    expect(moved.every((n) => n.key >= (n.voice === 'v' ? o.soloLow : 0) && n.key < o.rangeSize)).toBe(true);
    expect(exact(decodeNotewise(encodeNotewise(moved, o), o).notes)).toBe(exact(moved));

    notesChecked += steps.length;
    words += nw.length;
  }
  return { notesChecked, words };
}

describe(`round trip over the bundled corpora (${files.length} files)`, () => {
  it('has every file of both corpora', () => {
    expect(files.length).toBe(337 + 35);
    expect(path.basename(piano)).toBe('piano-midi-de');
  });

  it('notewise reproduces pitch, onset and duration exactly at 12 steps per quarter; chordwise pitch and onset', () => {
    const { notesChecked, words } = roundTrip(resolveEncodingOptions({ sampleFreq: 12 }));
    expect(notesChecked).toBeGreaterThan(700_000);
    expect(words).toBeGreaterThan(notesChecked * 2);
  });

  it('does the same at 4 steps per quarter', () => {
    roundTrip(resolveEncodingOptions({ sampleFreq: 4 }));
  });
});
