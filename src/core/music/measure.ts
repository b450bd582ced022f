import { estimateKey, keyName, keyRelation, keyStability, pitchClassHistogram, type KeyRelation } from './keyProfile';
import { beatsPerBar, secondsAt, type MusicNote, type MusicPiece } from './notes';
import {
  hangingNotes,
  interOnsetIntervals,
  longNoteShare,
  noteLengths,
  notesPerOnset,
  openingSilenceSeconds,
  pitchRange,
  polyphony,
  velocityStats,
} from './noteStats';
import { histogramOverlap, kdeOverlap, pieceWeighted, setHistogram, yangLerchOverlap } from './overlap';
import { repetitionShare } from './repetition';
import { scaleConsistency } from './scale';

/** Everything measured on one piece (a sample, or a window of a human piece). */
export interface PieceMeasures {
  notes: number;
  seconds: number;
  hanging: number;
  longNoteShare: number;
  openingSilenceS: number | null;
  velocityDistinct: number;
  velocityStd: number;
  /** The first tempo written in the file. */
  bpm: number;
  /** Beats per minute of music actually heard: beats to the last note end over its time in minutes. */
  effectiveBpm: number | null;
  tempoChanges: number;
  meter: string;
  key: string | null;
  keyStability: number | null;
  scaleConsistency: number | null;
  pitchRange: number;
  repetition: number | null;
  notesPerOnsetMean: number | null;
  polyphonyMean: number | null;
  /** Raw values for the distributions and their overlaps. */
  dist: { pitchClass: number[]; ioi: number[]; noteLength: number[]; notesPerOnset: number[]; polyphony: number[] };
}

const mean = (v: readonly number[]): number | null => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
const round = (x: number | null, d = 3): number | null => (x === null || !Number.isFinite(x) ? null : +x.toFixed(d));

export function measurePiece(piece: MusicPiece): PieceMeasures {
  const notes = piece.notes;
  const bar = beatsPerBar(piece);
  const v = velocityStats(notes);
  const key = estimateKey(notes);
  const npo = notesPerOnset(notes);
  const poly = polyphony(notes, bar);
  const last = notes.reduce((m, n) => Math.max(m, n.end), 0);
  const m0 = piece.meters[0];
  const seconds = secondsAt(piece.tempos, last);
  return {
    notes: notes.length,
    seconds,
    hanging: hangingNotes(notes),
    longNoteShare: longNoteShare(notes),
    openingSilenceS: openingSilenceSeconds(piece),
    velocityDistinct: v.distinct,
    velocityStd: v.std,
    bpm: piece.tempos[0]?.bpm ?? 120,
    effectiveBpm: seconds > 0 ? (last * 60) / seconds : null,
    tempoChanges: Math.max(0, piece.tempos.length - 1),
    meter: m0 ? `${m0.numerator}/${m0.denominator}` : '4/4',
    key: key ? keyName(key) : null,
    keyStability: keyStability(notes, 4 * bar),
    scaleConsistency: scaleConsistency(notes),
    pitchRange: pitchRange(notes),
    repetition: repetitionShare(notes, 2 * bar),
    notesPerOnsetMean: mean(npo),
    polyphonyMean: mean(poly),
    dist: {
      pitchClass: notes.map((n) => ((n.pitch % 12) + 12) % 12),
      ioi: interOnsetIntervals(notes),
      noteLength: noteLengths(notes),
      notesPerOnset: npo,
      polyphony: poly,
    },
  };
}

/** The key of the continuation against the key of its prompt. */
export function keyContinuation(
  prompt: readonly MusicNote[],
  continuation: readonly MusicNote[],
): { prompt: string; continuation: string; relation: KeyRelation } | null {
  const a = estimateKey(prompt);
  const b = estimateKey(continuation);
  if (!a || !b) return null;
  return { prompt: keyName(a), continuation: keyName(b), relation: keyRelation(a, b) };
}

function counts(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]));
}

const median = (v: readonly number[]): number | null => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const nonNull = (v: ReadonlyArray<number | null>): number[] => v.filter((x): x is number => x !== null);

/** One set of pieces summarised: per-piece figures averaged (each piece weighs the same). */
export function summarise(
  ms: readonly PieceMeasures[],
  continuations?: ReadonlyArray<ReturnType<typeof keyContinuation>>,
) {
  const silences = nonNull(ms.map((m) => m.openingSilenceS));
  const cont = (continuations ?? []).filter((c): c is NonNullable<typeof c> => c !== null);
  return {
    pieces: ms.length,
    empty: ms.filter((m) => m.notes === 0).length,
    notesMean: round(mean(ms.map((m) => m.notes)), 1),
    secondsMean: round(mean(ms.map((m) => m.seconds)), 1),
    hangingNotesPerPiece: round(mean(ms.map((m) => m.hanging))),
    hangingNotesMax: ms.reduce((x, m) => Math.max(x, m.hanging), 0),
    longNoteTimeShare: round(mean(ms.map((m) => m.longNoteShare))),
    openingSilence: {
      over2s: silences.filter((s) => s > 2).length,
      maxS: round(silences.length ? Math.max(...silences) : null, 2),
    },
    velocity: {
      distinctMean: round(mean(ms.map((m) => m.velocityDistinct)), 2),
      stdMean: round(mean(ms.map((m) => m.velocityStd)), 2),
    },
    tempo: {
      bpm: counts(ms.map((m) => String(Math.round(m.bpm)))),
      effectiveBpmMean: round(mean(nonNull(ms.map((m) => m.effectiveBpm))), 1),
      tempoChangesMean: round(mean(ms.map((m) => m.tempoChanges)), 1),
      meters: counts(ms.map((m) => m.meter)),
    },
    ...(continuations
      ? {
          keyContinuation: {
            pieces: cont.length,
            sameOrRelated: round(cont.length ? cont.filter((c) => c.relation !== 'other').length / cont.length : null),
            same: round(cont.length ? cont.filter((c) => c.relation === 'same').length / cont.length : null),
            relations: counts(cont.map((c) => c.relation)),
          },
        }
      : {}),
    keys: counts(ms.map((m) => m.key ?? 'none')),
    keyStability: round(mean(nonNull(ms.map((m) => m.keyStability)))),
    scaleConsistency: round(mean(nonNull(ms.map((m) => m.scaleConsistency)))),
    notesPerOnset: round(mean(nonNull(ms.map((m) => m.notesPerOnsetMean)))),
    polyphony: round(mean(nonNull(ms.map((m) => m.polyphonyMean)))),
    repetition2Bar: round(mean(nonNull(ms.map((m) => m.repetition)))),
    pitchRange: round(mean(ms.map((m) => m.pitchRange)), 1),
    ioiBeats: {
      mean: round(mean(ms.flatMap((m) => m.dist.ioi))),
      median: round(median(ms.flatMap((m) => m.dist.ioi))),
    },
    noteLengthBeats: {
      mean: round(mean(ms.flatMap((m) => m.dist.noteLength))),
      median: round(median(ms.flatMap((m) => m.dist.noteLength))),
    },
    pitchClassHistogram: setHistogram(
      ms.map((m) => m.dist.pitchClass),
      (v) => v,
      12,
    ).map((x) => +x.toFixed(4)),
  };
}

/** Zero-length notes (a note-off on its note-on's tick) count as the shortest step, not as -∞. */
const log2Beats = (b: number): number => Math.log2(Math.max(b, 1 / 12));
const NPO_BINS = 16;
const POLY_BINS = 24;
/** Note-length classes for Yang & Lerch's per-piece vector: octaves of beats from < 1/8 to ≥ 8. */
const lengthClass = (beats: number): number => Math.min(7, Math.max(0, Math.floor(Math.log2(beats)) + 4));

/**
 * Overlaps of the generated set against the human set, per feature, two ways:
 * - `direct`: OA of the two sets' own distributions of the feature (every piece weighing the same):
 *   exact histograms for pitch class, notes per onset and polyphony; Gaussian KDEs of log2(beats),
 *   bandwidth at least 0.1 octave, for inter-onset intervals and note lengths;
 * - `yangLerch`: Yang & Lerch's intra-set (human–human) vs inter-set (sample–human) distance
 *   distributions of a per-piece feature vector (pitch-class histogram; mean IOI; note-length class
 *   histogram; mean notes per onset; mean polyphony).
 */
export function overlaps(samples: readonly PieceMeasures[], human: readonly PieceMeasures[]) {
  const d = (k: keyof PieceMeasures['dist'], set: readonly PieceMeasures[]) => set.map((m) => m.dist[k]);
  const hist = (k: keyof PieceMeasures['dist'], bin: (v: number) => number, bins: number) =>
    round(histogramOverlap(setHistogram(d(k, samples), bin, bins), setHistogram(d(k, human), bin, bins)));
  const kde = (k: keyof PieceMeasures['dist']) =>
    round(
      kdeOverlap(pieceWeighted(d(k, samples), log2Beats), pieceWeighted(d(k, human), log2Beats), { minBandwidth: 0.1 }),
    );
  const vec = {
    pitchClass: (m: PieceMeasures) =>
      pitchClassHistogram(m.dist.pitchClass.map((pc) => ({ pitch: pc, start: 0, end: 1, velocity: 0 }))),
    ioi: (m: PieceMeasures) => [mean(m.dist.ioi) ?? 0],
    noteLength: (m: PieceMeasures) => setHistogram([m.dist.noteLength], lengthClass, 8),
    notesPerOnset: (m: PieceMeasures) => [m.notesPerOnsetMean ?? 0],
    polyphony: (m: PieceMeasures) => [m.polyphonyMean ?? 0],
  };
  const yl = (f: (m: PieceMeasures) => number[]) => {
    const r = yangLerchOverlap(human.filter((m) => m.notes > 0).map(f), samples.filter((m) => m.notes > 0).map(f));
    return r && { oa: round(r.oa), intraMean: round(r.intraMean), interMean: round(r.interMean) };
  };
  return {
    direct: {
      pitchClass: hist('pitchClass', (v) => v, 12),
      ioi: kde('ioi'),
      noteLength: kde('noteLength'),
      notesPerOnset: hist('notesPerOnset', (v) => v - 1, NPO_BINS),
      polyphony: hist('polyphony', (v) => v, POLY_BINS),
    },
    yangLerch: {
      pitchClass: yl(vec.pitchClass),
      ioi: yl(vec.ioi),
      noteLength: yl(vec.noteLength),
      notesPerOnset: yl(vec.notesPerOnset),
      polyphony: yl(vec.polyphony),
    },
  };
}
