import { describe, expect, it } from 'vitest';
import { MIDI_ACCEPT, isMidiFileName } from './midiFiles';
import { uploadPath } from './api';

describe('MIDI file names', () => {
  it('takes every extension MIDI files are saved with, in any case', () => {
    for (const n of ['a.mid', 'b.MIDI', 'Chopin/c.kar', 'd.Smf']) expect(isMidiFileName(n)).toBe(true);
    for (const n of ['a.midx', 'mid', 'a.wav', 'a.mid.txt', '.mid/a.txt']) expect(isMidiFileName(n)).toBe(false);
  });

  it('the upload check and the file picker accept the same set as the import walker', () => {
    for (const n of ['op28.mid', 'op28.midi', 'op28.kar', 'op28.smf'])
      expect(uploadPath.safeParse(n).success).toBe(true);
    expect(uploadPath.safeParse('op28.wav').success).toBe(false);
    expect(MIDI_ACCEPT.split(',').every((e) => isMidiFileName(`x${e}`))).toBe(true);
  });
});
