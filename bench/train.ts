/**
 * Training-speed benchmark: tokens/s of one preset (default `laptop`) on each backend that loads
 * here, and of the identical model in PyTorch on the CPU (bench/torch_reference.py, 2 threads),
 * printed as one JSON object with the model sizes and the ratio. Target: best backend ≥ 0.5× PyTorch.
 *
 *   npm run bench -- train [--preset laptop] [--steps 5] [--backends node-gpu,node,wasm,cpu] [--no-torch]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMidi } from '../src/core/midi/read';
import { encodePiece, resolveEncodingOptions } from '../src/core/encoding';
import { Adam } from '../src/core/model/adam';
import { AwdLstm } from '../src/core/model/awdLstm';
import { initBackend, type BackendChoice } from '../src/core/model/backend';
import { PRESETS, modelConfigFor, type PresetName } from '../src/core/model/presets';
import { trainStep } from '../src/core/model/trainStep';
import { Vocab } from '../src/core/train/vocab';
import { demoCorpus, midiFilesUnder } from '../src/testing/corpora';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const presetName = opt('preset', 'laptop') as PresetName;
const steps = Number(opt('steps', '5'));
const self = fileURLToPath(import.meta.url);

async function measure(backend: BackendChoice): Promise<{ tokensPerSec: number; stepMs: number; detail: string }> {
  const report = await initBackend(backend);
  const p = PRESETS[presetName];
  const o = resolveEncodingOptions();
  const vocab = Vocab.notewise(o, false);
  // Real notewise tokens from the demo corpus, so the embedding and softmax see realistic ids.
  const ids: number[] = [];
  for (const f of midiFilesUnder(demoCorpus)) {
    if (ids.length > (p.bptt + 1) * p.batchSize * 2) break;
    ids.push(...vocab.ids(encodePiece(readMidi(fs.readFileSync(f)), 'notewise', o)), vocab.eos);
  }
  const model = new AwdLstm(modelConfigFor(p, vocab.size));
  const adam = new Adam(model.params(), p.beta1, p.beta2, p.weightDecay);
  const T = p.bptt;
  const B = p.batchSize;
  const window = (k: number) => {
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const at = (k * T + b * (T + 1) + t) % (ids.length - 1);
        inputs[t * B + b] = ids[at]!;
        targets[t * B + b] = ids[at + 1]!;
      }
    return { inputs, targets, T, B };
  };
  let state = model.zeroState(B);
  const warmup = backend === 'cpu' ? 1 : 2;
  const n = backend === 'cpu' ? Math.min(2, steps) : steps;
  let t0 = 0;
  for (let k = 0; k < warmup + n; k++) {
    if (k === warmup) t0 = performance.now();
    state = trainStep(model, adam, window(k), state, k, p.lr, p).state;
  }
  const ms = (performance.now() - t0) / n;
  return { tokensPerSec: (T * B * 1000) / ms, stepMs: ms, detail: report.detail };
}

const phase = opt('phase', '');
if (phase) {
  // One backend per process: tfjs keeps one engine per process.
  try {
    process.stdout.write(JSON.stringify(await measure(phase as BackendChoice)));
  } catch (err) {
    process.stdout.write(JSON.stringify({ unavailable: err instanceof Error ? err.message : String(err) }));
  }
} else {
  const p = PRESETS[presetName];
  const vocabSize = Vocab.notewise(resolveEncodingOptions(), false).size;
  // Plain-JS cpu takes minutes a step on the laptop preset: measured only when named (--backends wasm,cpu).
  const backends = opt('backends', 'node-gpu,node,wasm').split(',') as BackendChoice[];
  const results: Record<string, unknown> = {};
  let best: { backend: string; tokensPerSec: number } | null = null;
  for (const b of backends) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', self, '--phase', b, '--preset', presetName, '--steps', String(steps)],
      { encoding: 'utf8' },
    );
    const m = (
      r.status === 0 ? JSON.parse(r.stdout) : { unavailable: r.stderr.trim().split('\n').at(-1) ?? 'failed' }
    ) as { tokensPerSec: number; stepMs: number; detail: string } | { unavailable: string };
    if ('unavailable' in m) {
      results[b] = m;
      continue;
    }
    results[b] = { tokensPerSec: Math.round(m.tokensPerSec), stepMs: Math.round(m.stepMs), detail: m.detail };
    if (!best || m.tokensPerSec > best.tokensPerSec) best = { backend: b, tokensPerSec: m.tokensPerSec };
  }
  let torch: { torchTokensPerSec: number; torchVersion: string; threads: number } | { unavailable: string } = {
    unavailable: 'skipped (--no-torch)',
  };
  if (!args.includes('--no-torch')) {
    const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const r = spawnSync(
      py,
      [
        path.join(path.dirname(self), 'torch_reference.py'),
        '--vocab',
        String(vocabSize),
        '--emb',
        String(p.embSize),
        '--hidden',
        String(p.hiddenSize),
        '--layers',
        String(p.layers),
        '--bptt',
        String(p.bptt),
        '--batch',
        String(p.batchSize),
        '--steps',
        String(steps),
      ],
      { encoding: 'utf8' },
    );
    torch =
      r.status === 0
        ? JSON.parse(r.stdout)
        : { unavailable: `python3-torch not usable: ${r.stderr.trim().split('\n').at(-1) ?? ''}` };
  }
  const torchTps = 'torchTokensPerSec' in torch ? torch.torchTokensPerSec : null;
  const ratio = best && torchTps ? best.tokensPerSec / torchTps : null;
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: 'train',
        preset: presetName,
        model: {
          vocab: vocabSize,
          embedding: p.embSize,
          hidden: p.hiddenSize,
          layers: p.layers,
          bptt: p.bptt,
          batch: p.batchSize,
        },
        backend: best?.backend ?? null,
        tfjsTokensPerSec: best ? Math.round(best.tokensPerSec) : null,
        torchTokensPerSec: torchTps ? Math.round(torchTps) : null,
        ratio: ratio === null ? null : +ratio.toFixed(2),
        target: { ratioMin: 0.5 },
        pass: ratio !== null && ratio >= 0.5,
        backends: results,
        torch,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
      },
      null,
      2,
    )}\n`,
  );
}
