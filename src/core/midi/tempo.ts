import type { PieceTiming } from './types';

/**
 * Ticks → seconds through a tempo map (120 bpm before the first tempo, as the SMF spec says), with
 * the cumulative times precomputed so each lookup is a binary search.
 */
export function ticksToSecondsFn(tempos: PieceTiming['tempos'], ppq: number): (ticks: number) => number {
  const points = tempos.length && tempos[0]!.tick === 0 ? tempos : [{ tick: 0, bpm: 120 }, ...tempos];
  const at = new Float64Array(points.length);
  for (let i = 1; i < points.length; i++)
    at[i] = at[i - 1]! + ((points[i]!.tick - points[i - 1]!.tick) / ppq) * (60 / points[i - 1]!.bpm);
  return (ticks) => {
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (points[mid]!.tick <= ticks) lo = mid;
      else hi = mid - 1;
    }
    return at[lo]! + ((ticks - points[lo]!.tick) / ppq) * (60 / points[lo]!.bpm);
  };
}

/**
 * The timing of a piece's opening, up to `untilTick`: its metre, and its average tempo there (beats
 * over seconds, so an expressive file's tempo map gives the tempo one hears, not one odd event).
 */
export function openingTiming(
  t: PieceTiming,
  ppq: number,
  untilTick: number,
): { bpm: number; numerator: number; denominator: number } {
  const first = <T extends { tick: number }>(xs: readonly T[]): T | undefined =>
    xs.filter((x) => x.tick === 0).at(-1) ?? xs[0];
  const ts = first(t.timeSignatures);
  const seconds = ticksToSecondsFn(t.tempos, ppq)(untilTick);
  const bpm = untilTick > 0 && seconds > 0 ? (60 * untilTick) / ppq / seconds : (first(t.tempos)?.bpm ?? 120);
  return { bpm: Math.round(bpm * 10) / 10, numerator: ts?.numerator ?? 4, denominator: ts?.denominator ?? 4 };
}

export const NO_TIMING: PieceTiming = { tempos: [], timeSignatures: [], keySignatures: [] };
