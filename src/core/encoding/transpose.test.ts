import { describe, expect, it } from 'vitest';
import { ClaraError } from '../errors';
import { ALL_SHIFTS, resolveEncodingOptions } from './options';
import type { StepNote } from './steps';
import { maskToShifts, shiftsToMask, transpose, validShifts } from './transpose';

const o = resolveEncodingOptions();
const n = (key: number, voice: 'p' | 'v' = 'p'): StepNote => ({ voice, key, start: 0, dur: 1, velocity: 80 });

describe('transpositions', () => {
  it('allows all 12 keys for a piece well inside the range', () => {
    expect(validShifts([n(20), n(40)], o)).toEqual(ALL_SHIFTS);
  });

  it('drops every shift that would push a note out of range', () => {
    expect(validShifts([n(2), n(59)], o)).toEqual([-2, -1, 0, 1, 2]);
    expect(validShifts([n(0), n(61)], o)).toEqual([0]);
  });

  it('keeps solo notes at or above the violin’s lowest key', () => {
    expect(validShifts([n(24, 'v'), n(5)], o)).toEqual([-2, -1, 0, 1, 2, 3, 4, 5]);
  });

  it('stores the shifts as a 12-bit mask', () => {
    for (const shifts of [[], [0], [-6, 5], [-2, -1, 0, 1, 2]])
      expect(maskToShifts(shiftsToMask(shifts))).toEqual(shifts);
  });

  it('refuses a shift out of range rather than dropping notes', () => {
    expect(transpose([n(10)], 3, o)[0]!.key).toBe(13);
    expect(() => transpose([n(60)], 3, o)).toThrow(ClaraError);
    expect(() => transpose([n(10)], 7, o)).toThrow(/−6 to \+5/);
  });
});
