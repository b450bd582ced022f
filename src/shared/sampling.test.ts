import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING, resolveSampling } from './sampling';

describe('resolveSampling', () => {
  it('gives each encoding its own default when nothing is asked, at the asked temperature', () => {
    expect(resolveSampling({}, 'notewise')).toEqual({ temperature: 1, topN: 5, truncProb: 0.5 });
    expect(resolveSampling({}, 'chordwise')).toEqual({ temperature: 1 });
    expect(resolveSampling({ temperature: 0 }, 'chordwise')).toEqual({ temperature: 0 });
    expect(resolveSampling({ temperature: 0.9 }, 'notewise')).toEqual({
      ...DEFAULT_SAMPLING.notewise,
      temperature: 0.9,
    });
  });

  it("takes the rule a request names, filling Clara's values for the half of top-n not given", () => {
    expect(resolveSampling({ topN: 3 }, 'chordwise')).toEqual({ temperature: 1, topN: 3, truncProb: 0.5 });
    expect(resolveSampling({ truncProb: 0.2 }, 'chordwise')).toEqual({ temperature: 1, topN: 5, truncProb: 0.2 });
    expect(resolveSampling({ topP: 0.9, topN: 3 }, 'notewise')).toEqual({ temperature: 1, topP: 0.9 });
    expect(resolveSampling({ topK: 40, temperature: 1.2 }, 'notewise')).toEqual({ temperature: 1.2, topK: 40 });
  });
});
