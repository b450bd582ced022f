/**
 * MIDI parse time by note count: readMidi on generated two-hand piano files of 50k, 100k and 200k
 * notes (`npm run bench -- midi-parse [counts…]`), beside the reader it replaced (@tonejs/midi,
 * quadratic in the notes of a track; `--no-legacy` skips it). The new reader's time is the best of
 * three after a warm-up, the old one's a single run.
 */
import { readMidi } from '../src/core/midi/read';
import { bigPianoMidi } from '../src/testing/bigMidi';
import { legacyReadMidi } from '../src/testing/legacyReadMidi';

const args = process.argv.slice(2);
const legacy = !args.includes('--no-legacy');
const counts = args.map(Number).filter((n) => n > 0);
const time = (fn: () => void): number => {
  const t0 = performance.now();
  fn();
  return +((performance.now() - t0) / 1000).toFixed(3);
};
readMidi(bigPianoMidi(20_000));
const results: Array<{ notes: number; bytes: number; seconds: number; tonejsSeconds?: number }> = [];
for (const count of counts.length ? counts : [50_000, 100_000, 200_000]) {
  const bytes = bigPianoMidi(count);
  const seconds = Math.min(...[0, 1, 2].map(() => time(() => readMidi(bytes))));
  if (readMidi(bytes).notes.length !== count) throw new Error(`read the wrong number of notes from ${count}`);
  results.push({
    notes: count,
    bytes: bytes.length,
    seconds,
    ...(legacy ? { tonejsSeconds: time(() => legacyReadMidi(bytes)) } : {}),
  });
}
process.stdout.write(`${JSON.stringify({ bench: 'midi-parse', results, node: process.version })}\n`);
