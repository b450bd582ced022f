import { ClaraError } from '../errors';
import { ALL_SHIFTS, type EncodingOptions } from './options';
import { keyExtent, type StepNote } from './steps';

/**
 * The shifts of −6..+5 semitones that keep every note in range, and every solo note at or above
 * `soloLow`. A shift that would push a note out is dropped whole, never half-applied.
 */
export function validShifts(notes: readonly StepNote[], o: EncodingOptions): number[] {
  const ext = keyExtent(notes);
  return ALL_SHIFTS.filter((s) => {
    if (ext.p && (ext.p[0] + s < 0 || ext.p[1] + s > o.rangeSize - 1)) return false;
    if (ext.v && (ext.v[0] + s < o.soloLow || ext.v[1] + s > o.rangeSize - 1)) return false;
    return true;
  });
}

/** Bit i set ⇔ ALL_SHIFTS[i] is valid; compact for the catalog. */
export function shiftsToMask(shifts: readonly number[]): number {
  return shifts.reduce((m, s) => m | (1 << (s + 6)), 0);
}

export function maskToShifts(mask: number): number[] {
  return ALL_SHIFTS.filter((s) => (mask >> (s + 6)) & 1);
}

export function transpose(notes: readonly StepNote[], shift: number, o: EncodingOptions): StepNote[] {
  if (shift === 0) return notes.slice();
  if (!ALL_SHIFTS.includes(shift))
    throw new ClaraError(`must be from −6 to +5, got ${shift}`, 'bad-option', 'transpose');
  if (!validShifts(notes, o).includes(shift)) {
    throw new ClaraError(
      `shift ${shift > 0 ? '+' : ''}${shift} pushes notes out of the range`,
      'bad-shift',
      'transpose',
    );
  }
  return notes.map((n) => ({ ...n, key: n.key + shift }));
}
