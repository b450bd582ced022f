import { describe, expect, it } from 'vitest';
import { learningRate } from './schedule';

describe('learning-rate schedules', () => {
  it('one-cycle warms up to the peak at 10% and anneals to lr/10⁴', () => {
    expect(learningRate('one-cycle', 1, 0)).toBeCloseTo(0.04);
    expect(learningRate('one-cycle', 1, 0.1)).toBeCloseTo(1);
    expect(learningRate('one-cycle', 1, 0.55)).toBeCloseTo(0.50005, 4);
    expect(learningRate('one-cycle', 1, 1)).toBeCloseTo(1e-4);
    for (let p = 0.1; p < 1; p += 0.05)
      expect(learningRate('one-cycle', 1, p + 0.05)).toBeLessThanOrEqual(learningRate('one-cycle', 1, p));
  });

  it('cosine warms up from zero and ends at zero; progress is clamped', () => {
    expect(learningRate('cosine', 2, 0)).toBe(0);
    expect(learningRate('cosine', 2, 0.02)).toBeCloseTo(2);
    expect(learningRate('cosine', 2, 1)).toBeCloseTo(0);
    expect(learningRate('cosine', 2, 7)).toBeCloseTo(0);
  });
});
