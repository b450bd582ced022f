/**
 * Plain notes for the music measures, in beats (quarter notes) from the start of the piece, so the
 * same code measures catalog pieces, MIDI files and generated samples.
 */
export interface MusicNote {
  pitch: number;
  start: number;
  end: number;
  velocity: number;
}

export interface TempoPoint {
  beat: number;
  bpm: number;
}

export interface MeterPoint {
  beat: number;
  numerator: number;
  denominator: number;
}

/** A piece as the measures see it: notes plus the tempo map and metre that place them in seconds and bars. */
export interface MusicPiece {
  notes: MusicNote[];
  /** Sorted by beat; empty means 120 bpm throughout, as in MIDI. */
  tempos: TempoPoint[];
  /** Sorted by beat; empty means 4/4, as in MIDI. */
  meters: MeterPoint[];
}

/** Onsets closer than this share a step: the encodings' grid of 12 steps a quarter note. */
export const STEPS_PER_BEAT = 12;

export function stepOf(beat: number): number {
  return Math.round(beat * STEPS_PER_BEAT);
}

/** Quarter notes per bar of the piece's first time signature (4/4 when it has none). */
export function beatsPerBar(piece: Pick<MusicPiece, 'meters'>): number {
  const m = piece.meters[0];
  return m ? (m.numerator * 4) / m.denominator : 4;
}

/** Seconds from the start to `beat`, through the tempo map. */
export function secondsAt(tempos: readonly TempoPoint[], beat: number): number {
  let s = 0;
  let at = 0;
  let bpm = 120;
  for (const t of tempos) {
    if (t.beat >= beat) break;
    s += ((t.beat - at) * 60) / bpm;
    at = t.beat;
    bpm = t.bpm;
  }
  return s + ((beat - at) * 60) / bpm;
}

/** The beat reached after `seconds`, through the tempo map (inverse of secondsAt). */
export function beatAt(tempos: readonly TempoPoint[], seconds: number): number {
  let s = 0;
  let at = 0;
  let bpm = 120;
  for (const t of tempos) {
    const next = s + ((t.beat - at) * 60) / bpm;
    if (next >= seconds) break;
    s = next;
    at = t.beat;
    bpm = t.bpm;
  }
  return at + ((seconds - s) * bpm) / 60;
}

/**
 * The part of a piece whose notes start in [from, to) beats, moved to start at beat 0, with notes cut
 * at `to` (what a listener of that window hears); tempo map and metre move along.
 */
export function windowOf(piece: MusicPiece, from: number, to: number): MusicPiece {
  const notes = piece.notes
    .filter((n) => n.start >= from && n.start < to)
    .map((n) => ({ ...n, start: n.start - from, end: Math.min(n.end, to) - from }));
  const shift = <T extends { beat: number }>(points: readonly T[]): T[] => {
    const before = points.filter((p) => p.beat <= from).at(-1);
    const inside = points.filter((p) => p.beat > from && p.beat < to);
    return [...(before ? [{ ...before, beat: 0 }] : []), ...inside.map((p) => ({ ...p, beat: p.beat - from }))];
  };
  return { notes, tempos: shift(piece.tempos), meters: shift(piece.meters) };
}

/**
 * One key sounds at most once at a time, as on a real piano: striking a key again (typically under
 * the sustain pedal, which the reader turns into longer notes) ends its earlier sound; two onsets of
 * one key on the same tick merge into the longer note. Generated samples are like this by
 * construction; applying it to human files too keeps pedal overlaps from inflating polyphony and
 * note lengths. `keyOf` tells keys apart (pitch, or voice and pitch).
 */
export function oneSoundPerKey<T extends MusicNote>(
  notes: readonly T[],
  keyOf: (n: T) => string | number = (n) => n.pitch,
): T[] {
  const byKey = new Map<string | number, T[]>();
  for (const n of notes) {
    const k = keyOf(n);
    const list = byKey.get(k);
    if (list) list.push(n);
    else byKey.set(k, [n]);
  }
  const out: T[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let cur: T | null = null;
    for (const n of list) {
      if (cur && n.start === cur.start) {
        cur.end = Math.max(cur.end, n.end);
        cur.velocity = Math.max(cur.velocity, n.velocity);
        continue;
      }
      if (cur) {
        if (n.start < cur.end) cur.end = n.start;
        out.push(cur);
      }
      cur = { ...n };
    }
    if (cur) out.push(cur);
  }
  return out.sort((a, b) => a.start - b.start || a.pitch - b.pitch);
}
