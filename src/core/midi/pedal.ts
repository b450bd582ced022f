/** Sustain pedal (CC64) as intervals of ticks during which it is held down, per MIDI channel. */
export interface PedalEvent {
  ticks: number;
  /** 0–127; 64 and above is down, as the MIDI spec says. */
  value: number;
}

export type PedalIntervals = Array<[number, number]>;

export function pedalIntervals(events: PedalEvent[], endOfPiece: number): PedalIntervals {
  const sorted = [...events].sort((a, b) => a.ticks - b.ticks);
  const out: PedalIntervals = [];
  let downAt: number | null = null;
  for (const e of sorted) {
    const down = e.value >= 64;
    if (down && downAt === null) downAt = e.ticks;
    else if (!down && downAt !== null) {
      if (e.ticks > downAt) out.push([downAt, e.ticks]);
      downAt = null;
    }
  }
  if (downAt !== null && endOfPiece > downAt) out.push([downAt, endOfPiece]);
  return out;
}

/**
 * A note released while the pedal is down keeps sounding until the pedal comes up. The re-strike of
 * the same key cuts it later, in the encoders, where notes of one key are made not to overlap.
 */
export function pedalRelease(end: number, intervals: PedalIntervals): number {
  // Intervals are sorted and disjoint: binary search for the one holding `end`.
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = intervals[mid]!;
    if (end < a) hi = mid - 1;
    else if (end >= b) lo = mid + 1;
    else return b;
  }
  return end;
}
