/**
 * Generation-speed benchmark: words/s for one sample and for a batch of 8 with the `laptop` preset
 * on the best backend here, and how long one minute of notewise music takes (the demo corpus gives
 * the words per minute of music at 120 bpm). Target: one minute in under 5 s.
 *
 * With --encoding chordwise it times the same at the piano corpus's chordwise vocabulary (36,409
 * words at 4 steps per quarter: a split softmax, and a sampler that must not sort them all): the
 * words are drawn chords, as the speed depends on their number and not on which chords they are.
 * Chordwise has one word a step, 480 a minute at 120 bpm.
 *
 *   npm run bench -- generate [--preset laptop] [--words 600] [--encoding chordwise] [--vocab 36409]
 */
import fs from 'node:fs';
import os from 'node:os';
import { readMidi } from '../src/core/midi/read';
import { chordwiseCodec, encodeSteps, notewiseCodec, quantize, resolveEncodingOptions } from '../src/core/encoding';
import { generate } from '../src/core/generate/generate';
import { AwdLstm } from '../src/core/model/awdLstm';
import { initBackend } from '../src/core/model/backend';
import { modelConfigFor, PRESETS, type PresetName } from '../src/core/model/presets';
import { mulberry32 } from '../src/core/train/rng';
import { Vocab } from '../src/core/train/vocab';
import { demoCorpus, midiFilesUnder } from '../src/testing/corpora';
import { DEFAULT_SAMPLE_FREQ } from '../src/shared/encodings';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const presetName = opt('preset', 'laptop') as PresetName;
const words = Number(opt('words', '600'));

const chordwise = opt('encoding', 'notewise') === 'chordwise';

const backend = await initBackend('auto');
const { vocab, codec, wordsPerMinute } = chordwise ? chordwiseSetup(Number(opt('vocab', '36409'))) : notewiseSetup();

/** Notewise words and the demo corpus's words per minute of music. */
function notewiseSetup() {
  const o = resolveEncodingOptions();
  let tokens = 0;
  let steps = 0;
  for (const f of midiFilesUnder(demoCorpus)) {
    const s = quantize(readMidi(fs.readFileSync(f)).notes, 480, o);
    tokens += encodeSteps(s, 'notewise', o).length;
    steps += s.reduce((m, n) => Math.max(m, n.start + n.dur), 0);
  }
  const stepsPerMinute = 120 * o.sampleFreq;
  return {
    vocab: Vocab.notewise(o, false),
    codec: notewiseCodec(o),
    wordsPerMinute: (tokens / steps) * stepsPerMinute,
  };
}

/** `size` distinct chord words of one to six keys, and one word a step. */
function chordwiseSetup(size: number) {
  const o = resolveEncodingOptions({ sampleFreq: DEFAULT_SAMPLE_FREQ.chordwise });
  const rand = mulberry32(5);
  const counts = new Map<string, number>();
  while (counts.size < size - 3) {
    const keys = new Array<string>(o.rangeSize).fill('0');
    for (let k = 1 + Math.floor(rand() * 6); k > 0; k--) keys[Math.floor(rand() * o.rangeSize)] = '1';
    counts.set(`p${keys.join('')}`, 2);
  }
  return { vocab: Vocab.fromCounts(counts), codec: chordwiseCodec(o), wordsPerMinute: 120 * o.sampleFreq };
}

const p = PRESETS[presetName];
const model = new AwdLstm({
  ...modelConfigFor(p, vocab.size),
  dropoutEmb: 0,
  dropoutInput: 0,
  dropoutHidden: 0,
  dropoutOutput: 0,
  weightDrop: 0,
});
function run(count: number): number {
  generate(model, vocab, codec, {
    count,
    tokens: 20,
    sampling: { temperature: 1, topN: 3, truncProb: 0.8 },
    seed: 1,
  });
  const t0 = performance.now();
  generate(model, vocab, codec, {
    count,
    tokens: words,
    sampling: { temperature: 1, topN: 3, truncProb: 0.8 },
    seed: 1,
  });
  return (words * 1000) / (performance.now() - t0);
}
const single = run(1);
const batch8 = run(8);
const secondsPerMinute = wordsPerMinute / single;
process.stdout.write(
  `${JSON.stringify(
    {
      bench: 'generate',
      encoding: chordwise ? 'chordwise' : 'notewise',
      vocabSize: vocab.size,
      preset: presetName,
      backend: backend.chosen,
      wordsPerSecOneSample: Math.round(single),
      wordsPerSecPerSampleBatch8: Math.round(batch8),
      wordsPerSecBatch8Total: Math.round(batch8 * 8),
      wordsPerMinuteOfMusic: Math.round(wordsPerMinute),
      secondsForOneMinuteOfMusic: +secondsPerMinute.toFixed(2),
      target: { secondsForOneMinuteMax: 5 },
      pass: secondsPerMinute < 5,
      cpu: os.cpus()[0]?.model ?? 'unknown',
    },
    null,
    2,
  )}\n`,
);
