import type { OptimConfig } from '../model/presets';

/**
 * Learning rate at a point of the run, `progress` from 0 to 1 (steps done over the step budget, or
 * time spent over the time budget).
 * - one-cycle: warm up from lr/25 to lr over the first 10%, then cosine down to lr/10⁴.
 * - cosine: warm up from 0 over the first 2%, then cosine down to 0.
 */
export function learningRate(schedule: OptimConfig['schedule'], lr: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  const cos = (from: number, to: number, x: number): number => to + ((from - to) * (1 + Math.cos(Math.PI * x))) / 2;
  if (schedule === 'one-cycle') {
    const warm = 0.1;
    if (p < warm) return lr / 25 + (lr - lr / 25) * (p / warm);
    return cos(lr, lr / 1e4, (p - warm) / (1 - warm));
  }
  const warm = 0.02;
  if (p < warm) return lr * (p / warm);
  return cos(lr, 0, (p - warm) / (1 - warm));
}
