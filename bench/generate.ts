/**
 * Generation-speed benchmark: words/s for one sample and for a batch of 8 with the `laptop` preset
 * on the best backend here, and how long one minute of notewise music takes (the demo corpus gives
 * the words per minute of music at 120 bpm). Target: one minute in under 5 s.
 *
 *   npm run bench -- generate [--preset laptop] [--words 600]
 */
import fs from 'node:fs';
import os from 'node:os';
import { readMidi } from '../src/core/midi/read';
import { encodeSteps, notewiseCodec, quantize, resolveEncodingOptions } from '../src/core/encoding';
import { generate } from '../src/core/generate/generate';
import { AwdLstm } from '../src/core/model/awdLstm';
import { initBackend } from '../src/core/model/backend';
import { PRESETS, type PresetName } from '../src/core/model/presets';
import { Vocab } from '../src/core/train/vocab';
import { demoCorpus, midiFilesUnder } from '../src/testing/corpora';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const presetName = opt('preset', 'laptop') as PresetName;
const words = Number(opt('words', '600'));

const backend = await initBackend('auto');
const o = resolveEncodingOptions();
const vocab = Vocab.notewise(o, false);
const codec = notewiseCodec(o);
let tokens = 0;
let steps = 0;
for (const f of midiFilesUnder(demoCorpus)) {
  const s = quantize(readMidi(fs.readFileSync(f)).notes, 480, o);
  tokens += encodeSteps(s, 'notewise', o).length;
  steps += s.reduce((m, n) => Math.max(m, n.start + n.dur), 0);
}
const stepsPerMinute = 120 * o.sampleFreq;
const wordsPerMinute = (tokens / steps) * stepsPerMinute;

const p = PRESETS[presetName];
const model = new AwdLstm({
  vocabSize: vocab.size,
  embSize: p.embSize,
  hiddenSize: p.hiddenSize,
  layers: p.layers,
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
      preset: presetName,
      backend: backend.chosen,
      wordsPerSecOneSample: Math.round(single),
      wordsPerSecPerSampleBatch8: Math.round(batch8),
      wordsPerSecBatch8Total: Math.round(batch8 * 8),
      notewiseWordsPerMinuteOfMusic: Math.round(wordsPerMinute),
      secondsForOneMinuteOfMusic: +secondsPerMinute.toFixed(2),
      target: { secondsForOneMinuteMax: 5 },
      pass: secondsPerMinute < 5,
      cpu: os.cpus()[0]?.model ?? 'unknown',
    },
    null,
    2,
  )}\n`,
);
