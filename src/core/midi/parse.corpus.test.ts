import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { midiFilesUnder, sharedCorpora } from '../../testing/corpora';
import { legacyReadMidi } from '../../testing/legacyReadMidi';
import { readMidi } from './read';

const { piano, chamber } = sharedCorpora();
// The quadratic oracle is slow: every chamber file, every sixth piano file.
const files = [...midiFilesUnder(chamber), ...midiFilesUnder(piano).filter((_, i) => i % 6 === 0)];

/** @tonejs/midi read text as Latin-1; the linear reader reads valid UTF-8 as UTF-8. */
const asLatin1Read = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

describe(`the linear reader gives the same pieces as @tonejs/midi (${files.length} corpus files)`, () => {
  it('same tracks, programs, channels, notes, pedal, durations and metadata', () => {
    let utf8Titles = 0;
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      const before = legacyReadMidi(bytes, { path: file, fileStem: 'stem' });
      const after = readMidi(bytes, { path: file, fileStem: 'stem' });
      if (after.title !== before.title) {
        expect(asLatin1Read(after.title), file).toBe(before.title);
        utf8Titles++;
      }
      const { tempos: _t, timeSignatures: _s, keySignatures: _k, ...kept } = after;
      expect({ ...kept, title: '' }, file).toEqual({ ...before, title: '' });
    }
    // The Norwegian and French titles of the chamber corpus are UTF-8 ("Nöring", "Rêverie").
    expect(utf8Titles).toBeGreaterThan(0);
  });
});
