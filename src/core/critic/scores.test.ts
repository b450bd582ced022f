import { describe, expect, it } from 'vitest';
import { criticScore, inceptionScore, isNovel } from './scores';

describe('inception-like score', () => {
  it('is the number of composers when every sample is sure of one composer and all are covered', () => {
    const sure = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    expect(inceptionScore(sure)).toBeCloseTo(3, 10);
  });

  it('is 1 when samples are unsure, or all sure of the same composer', () => {
    expect(
      inceptionScore([
        [1 / 3, 1 / 3, 1 / 3],
        [1 / 3, 1 / 3, 1 / 3],
      ]),
    ).toBeCloseTo(1, 10);
    expect(
      inceptionScore([
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ).toBeCloseTo(1, 10);
  });

  it('matches exp(mean KL) worked by hand on a mixed batch', () => {
    const batch = [
      [0.8, 0.2],
      [0.2, 0.8],
    ];
    // p(y) = [0.5, 0.5]; KL = 0.8 ln 1.6 + 0.2 ln 0.4 for both samples.
    expect(inceptionScore(batch)).toBeCloseTo(Math.exp(0.8 * Math.log(1.6) + 0.2 * Math.log(0.4)), 12);
  });

  it('flags novelty and ranks by log-odds of real', () => {
    expect(isNovel(0.9, [0.3, 0.3, 0.4])).toBe(true);
    expect(isNovel(0.9, [0.9, 0.05, 0.05])).toBe(false);
    expect(isNovel(0.2, [0.3, 0.3, 0.4])).toBe(false);
    expect(criticScore(0.5)).toBe(0);
    expect(criticScore(0.9)).toBeGreaterThan(criticScore(0.6));
    expect(Number.isFinite(criticScore(1))).toBe(true);
  });
});
