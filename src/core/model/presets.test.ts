import { describe, expect, it } from 'vitest';
import { PRESETS, modelConfigFor } from './presets';

describe('modelConfigFor', () => {
  it('takes every network field of a preset and none of its optimiser fields', () => {
    const c = modelConfigFor(PRESETS.tiny, 77);
    expect(Object.keys(c).sort()).toEqual(
      [
        'vocabSize',
        'embSize',
        'hiddenSize',
        'layers',
        'dropoutEmb',
        'dropoutInput',
        'dropoutHidden',
        'dropoutOutput',
        'weightDrop',
      ].sort(),
    );
    expect(c.vocabSize).toBe(77);
    expect(c.hiddenSize).toBe(PRESETS.tiny.hiddenSize);
  });
});
