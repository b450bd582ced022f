import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import midiPkg from '@tonejs/midi';
import { demoCorpus } from '../../testing/corpora';
import { makeMidi, Q } from '../../testing/makeMidi';
import { pieceFromMidi } from './fromMidi';
import { estimateKey, keyName, keyRelation, keyStability } from './keyProfile';
import { keyContinuation, measurePiece, overlaps, summarise } from './measure';
import { beatAt, oneSoundPerKey, secondsAt, windowOf, type MusicNote, type MusicPiece } from './notes';
import {
  hangingNotes,
  interOnsetIntervals,
  longNoteShare,
  notesPerOnset,
  openingSilenceSeconds,
  polyphony,
  velocityStats,
} from './noteStats';
import { histogramOverlap, kdeOverlap, yangLerchOverlap } from './overlap';
import { repetitionShare } from './repetition';
import { scaleConsistency } from './scale';

const { Midi } = midiPkg;

const note = (pitch: number, start: number, len: number, velocity = 80): MusicNote => ({
  pitch,
  start,
  end: start + len,
  velocity,
});
const piece = (notes: MusicNote[], bpm = 120): MusicPiece => ({
  notes,
  tempos: [{ beat: 0, bpm }],
  meters: [{ beat: 0, numerator: 4, denominator: 4 }],
});
/** C major scale up and down in quarter notes, ending on a repeated C: 16 beats (4 bars), repeated `times`. */
const cMajorScale = (times = 1): MusicNote[] => {
  const up = [60, 62, 64, 65, 67, 69, 71, 72];
  const line = [...up, ...up.slice(0, -1).reverse(), 60];
  return Array.from({ length: times }, (_, t) => line.map((p, i) => note(p, t * line.length + i, 1))).flat();
};
const demo = (rel: string): MusicPiece => pieceFromMidi(fs.readFileSync(path.join(demoCorpus, rel)), rel);

describe('key (Krumhansl–Kessler)', () => {
  it('finds C major in a C major scale, stable in every 4-bar window', () => {
    const notes = cMajorScale(4);
    expect(keyName(estimateKey(notes)!)).toBe('C major');
    expect(keyStability(notes, 16)).toBe(1);
  });

  it('finds A minor in an A harmonic minor line over a held A minor chord', () => {
    const line = [69, 71, 72, 74, 76, 77, 80, 81].map((p, i) => note(p, i, 1));
    expect(keyName(estimateKey([...line, note(57, 0, 8), note(60, 0, 8), note(64, 0, 8)])!)).toBe('A minor');
  });

  it('names the related keys', () => {
    const C = { tonic: 0, mode: 'major' as const };
    expect(keyRelation(C, { tonic: 9, mode: 'minor' })).toBe('relative');
    expect(keyRelation(C, { tonic: 7, mode: 'major' })).toBe('dominant');
    expect(keyRelation(C, { tonic: 5, mode: 'major' })).toBe('subdominant');
    expect(keyRelation(C, { tonic: 0, mode: 'minor' })).toBe('parallel');
    expect(keyRelation(C, { tonic: 2, mode: 'major' })).toBe('other');
    expect(keyRelation({ tonic: 9, mode: 'minor' }, C)).toBe('relative');
    expect(keyRelation(C, { tonic: 4, mode: 'minor' })).toBe('other');
  });

  it('sees a continuation that moves to F# major as unrelated, and one to G major as related', () => {
    const inF = cMajorScale(1).map((n) => ({ ...n, pitch: n.pitch + 6 }));
    const inG = cMajorScale(1).map((n) => ({ ...n, pitch: n.pitch + 7 }));
    expect(keyContinuation(cMajorScale(1), inF)!.relation).toBe('other');
    expect(keyContinuation(cMajorScale(1), inG)!.relation).toBe('dominant');
  });

  it('gives stability 2/3 when one of three 4-bar windows is in F# major', () => {
    const shifted = (by: number, pitch: number) =>
      cMajorScale(1).map((n) => ({ ...n, pitch: n.pitch + pitch, start: n.start + by, end: n.end + by }));
    expect(keyStability([...shifted(0, 0), ...shifted(16, 6), ...shifted(32, 0)], 16)).toBeCloseTo(2 / 3);
  });

  it('finds the keys of real pieces: Bach BWV 846 in C major, Chopin op. 28/20 and Bach BWV 847 in C minor', () => {
    expect(keyName(estimateKey(demo('Bach/bach_846.mid').notes)!)).toBe('C major');
    expect(keyName(estimateKey(demo('Chopin/chpn-p20.mid').notes)!)).toBe('C minor');
    expect(keyName(estimateKey(demo('Bach/bach_847.mid').notes)!)).toBe('C minor');
  });
});

describe('scale consistency', () => {
  it('is 1 for a major scale and 11/12 with one chromatic note among 12', () => {
    expect(scaleConsistency(cMajorScale(1))).toBe(1);
    const notes = [...cMajorScale(1).slice(0, 11), note(61, 11, 1)]; // 12 notes, one out of scale
    expect(scaleConsistency(notes)).toBeCloseTo(11 / 12);
  });
});

describe('note statistics', () => {
  it('counts a note of 8+ beats held to the last step as hanging, and a long note that ended early as not', () => {
    const notes = [...cMajorScale(2), note(76, 2, 30)]; // ends with the last scale note at 32
    expect(hangingNotes(notes)).toBe(1);
    expect(hangingNotes([...cMajorScale(2), note(76, 2, 12)])).toBe(0);
    expect(hangingNotes([...cMajorScale(2), note(76, 24, 4)])).toBe(0); // too short to be hanging
  });

  it('gives the share of note-time in notes of 4+ beats', () => {
    expect(longNoteShare([note(60, 0, 4), note(62, 0, 1), note(64, 1, 1), note(65, 2, 1), note(67, 3, 1)])).toBeCloseTo(
      0.5,
    );
  });

  it('measures opening silence in seconds through the tempo map', () => {
    expect(openingSilenceSeconds(piece([note(60, 6, 1)], 120))).toBeCloseTo(3);
    expect(
      openingSilenceSeconds({
        ...piece([note(60, 6, 1)]),
        tempos: [
          { beat: 0, bpm: 60 },
          { beat: 2, bpm: 120 },
        ],
      }),
    ).toBeCloseTo(4);
    expect(openingSilenceSeconds(piece([]))).toBeNull();
  });

  it('gives one distinct velocity and std 0 for constant velocity, the spread otherwise', () => {
    expect(velocityStats(cMajorScale(1))).toEqual({ distinct: 1, std: 0, mean: 80 });
    const v = velocityStats([note(60, 0, 1, 60), note(62, 1, 1, 100)]);
    expect(v.distinct).toBe(2);
    expect(v.std).toBeCloseTo(20);
  });

  it('counts notes per onset, polyphony with notes capped at a bar, and IOIs', () => {
    // A C major triad, a held bass of 12 beats, then a single note every beat.
    const notes = [
      note(48, 0, 12),
      note(60, 0, 1),
      note(64, 0, 1),
      note(67, 0, 1),
      note(72, 1, 1),
      note(74, 2, 1),
      note(76, 5, 1),
    ];
    expect(notesPerOnset(notes)).toEqual([4, 1, 1, 1]);
    expect(interOnsetIntervals(notes)).toEqual([1, 1, 3]);
    // The bass counts for its first bar (beats 0–4) only: at beat 5 only the new note sounds.
    expect(polyphony(notes, 4)).toEqual([4, 2, 2, 1]);
  });
});

describe('repetition', () => {
  it('is 1 for a 2-bar figure played four times and 0 for four different figures', () => {
    const figure = [60, 64, 67, 72, 67, 64, 62, 59].map((p, i) => note(p, i, 1));
    const four = [0, 1, 2, 3].flatMap((k) => figure.map((n) => ({ ...n, start: n.start + 8 * k, end: n.end + 8 * k })));
    expect(repetitionShare(four, 8)).toBe(1);
    const diff = [0, 1, 2, 3].flatMap((k) =>
      figure.map((n) => ({ ...n, pitch: n.pitch + k, start: n.start + 8 * k, end: n.end + 8 * k })),
    );
    expect(repetitionShare(diff, 8)).toBe(0);
  });

  it('still counts a figure with one of eight notes changed (Jaccard 7/9 < 0.8 does not; 8/9 ≥ 0.8 does)', () => {
    const figure = [60, 64, 67, 72, 67, 64, 62, 59].map((p, i) => note(p, i, 1));
    const added = [...figure, ...figure.map((n) => ({ ...n, start: n.start + 8, end: n.end + 8 })), note(84, 8.5, 0.5)];
    expect(repetitionShare(added, 8)).toBe(1); // 8 shared of 9
    const changed = [
      ...figure,
      ...figure.map((n, i) => ({ ...n, pitch: i === 0 ? 61 : n.pitch, start: n.start + 8, end: n.end + 8 })),
    ];
    expect(repetitionShare(changed, 8)).toBe(0); // 7 shared of 9
  });
});

describe('overlap', () => {
  it('is 1 for identical distributions and near 0 for disjoint ones', () => {
    expect(histogramOverlap([0.5, 0.5, 0], [0.5, 0.5, 0])).toBe(1);
    expect(histogramOverlap([1, 0], [0, 1])).toBe(0);
    expect(kdeOverlap([1, 2, 3, 4], [1, 2, 3, 4])).toBeCloseTo(1, 2);
    expect(kdeOverlap([1, 1.1, 1.2], [50, 50.1, 50.2])).toBeLessThan(0.01);
  });

  it('gives two unit Gaussians one standard deviation apart an OA near 0.62', () => {
    // Deterministic normal quantiles, so the KDE is close to the true density.
    const q = Array.from({ length: 2000 }, (_, i) => {
      const p = (i + 0.5) / 2000;
      // Acklam-free inverse via Box–Muller on a grid would be random; use the logit approximation.
      return Math.sqrt(Math.PI / 8) * Math.log(p / (1 - p));
    });
    const oa = kdeOverlap(
      q,
      q.map((x) => x + 1),
    )!;
    expect(oa).toBeGreaterThan(0.55);
    expect(oa).toBeLessThan(0.68);
  });

  it('Yang & Lerch: a generated set drawn like the reference overlaps well, a far one does not', () => {
    const ref = Array.from({ length: 10 }, (_, i) => [i % 5, (i * 3) % 7]);
    const near = Array.from({ length: 10 }, (_, i) => [(i + 2) % 5, (i * 3 + 1) % 7]);
    const far = near.map(([a, b]) => [a! + 100, b! + 100]);
    expect(yangLerchOverlap(ref, near)!.oa).toBeGreaterThan(0.6);
    expect(yangLerchOverlap(ref, far)!.oa).toBeLessThan(0.05);
  });

  it('measures a set against itself as a full overlap on every feature', () => {
    const a = [demo('Mozart/mz_545_3.mid'), demo('Clementi/clementi_opus36_1_2.mid'), demo('Haydn/haydn_8_2.mid')].map(
      (p) => measurePiece(windowOf(p, 0, 64)),
    );
    const o = overlaps(a, a);
    for (const v of Object.values(o.direct)) expect(v).toBeCloseTo(1, 2);
  });
});

describe('pieces from MIDI files', () => {
  it('reads notes in beats, tempo and metre as written, and cuts windows by seconds', () => {
    const m = new Midi();
    m.header.setTempo(90);
    m.header.timeSignatures.push({ ticks: 0, timeSignature: [3, 4] });
    m.header.update();
    const t = m.addTrack();
    t.addNote({ midi: 60, ticks: 0, durationTicks: Q, velocity: 100 / 127 });
    t.addNote({ midi: 64, ticks: 3 * Q, durationTicks: 2 * Q, velocity: 50 / 127 });
    const p = pieceFromMidi(m.toArray(), 'test.mid');
    expect(p.notes.map((n) => [n.pitch, n.start, n.end, n.velocity])).toEqual([
      [60, 0, 1, 100],
      [64, 3, 5, 50],
    ]);
    expect(p.tempos[0]!.bpm).toBeCloseTo(90);
    expect(p.meters[0]).toMatchObject({ numerator: 3, denominator: 4 });
    const ms = measurePiece(p);
    expect(ms.meter).toBe('3/4');
    expect(ms.seconds).toBeCloseTo((5 * 60) / 90);
    expect(secondsAt(p.tempos, beatAt(p.tempos, 2.5))).toBeCloseTo(2.5);
    const w = windowOf(p, 0, beatAt(p.tempos, 2.5)); // 2.5 s at 90 bpm = 3.75 beats: the second note is cut
    expect(w.notes.map((n) => n.end)).toEqual([1, expect.closeTo(3.75, 4)]);
  });

  it('lets a key sound once at a time: a re-strike under the pedal ends the earlier sound', () => {
    // Two quarter notes on C4 and one on E4 under a pedal held for two bars: the reader makes each
    // last to the pedal's release; the re-struck C4 must not sound twice.
    const bytes = makeMidi([
      {
        notes: [
          [60, 0, Q],
          [64, 0, Q],
          [60, 2 * Q, Q],
        ],
        pedal: [
          [0, 127],
          [8 * Q, 0],
        ],
      },
    ]);
    const p = pieceFromMidi(bytes);
    expect(p.notes.map((n) => [n.pitch, n.start, n.end])).toEqual([
      [60, 0, 2],
      [64, 0, 8],
      [60, 2, 8],
    ]);
    expect(polyphony(p.notes, 4)).toEqual([2, 2]);
    expect(oneSoundPerKey([note(60, 0, 1), note(60, 0, 3, 90)])).toEqual([note(60, 0, 3, 90)]);
  });

  it('names a bad file in one line', () => {
    expect(() => pieceFromMidi(new Uint8Array([1, 2, 3]), 'broken.mid')).toThrow(/^broken\.mid: not a MIDI file/);
  });

  it('measures a human piece as human: real dynamics, no hanging notes, music from the first second', () => {
    const bytes = makeMidi([{ notes: [[60, 0, Q, 0.5]] }]);
    expect(measurePiece(pieceFromMidi(bytes)).velocityDistinct).toBe(1);
    const p = demo('Mozart/mz_545_3.mid');
    const w = windowOf(p, 0, beatAt(p.tempos, 60));
    const m = measurePiece(w);
    expect(m.velocityDistinct).toBeGreaterThan(10);
    expect(m.velocityStd).toBeGreaterThan(4);
    expect(m.hanging).toBe(0);
    expect(m.openingSilenceS).toBeLessThan(2);
    expect(m.seconds).toBeGreaterThan(55);
    expect(m.seconds).toBeLessThan(62);
    // K. 545/III is in C major; its first minute already visits A minor, so only the whole piece says C.
    expect(keyName(estimateKey(p.notes)!)).toBe('C major');
    expect(m.scaleConsistency).toBeGreaterThan(0.9);
    const s = summarise([m], [keyContinuation(w.notes, w.notes)]);
    expect(s.keyContinuation?.same).toBe(1);
    expect(s.pitchClassHistogram.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });
});
