/**
 * Training-speed benchmark: tokens/s of one preset (default `laptop`) on each backend that loads
 * here, with 1 and N data-parallel workers on the CPU backends (N: the cores), and the identical
 * model (a faithful AWD-LSTM, bench/torch_reference.py) in PyTorch on the CPU at 1 and 2 threads,
 * in the same run. Also the model FLOPs achieved and the fraction of the wasm matmul ceiling
 * (measured here, one core) times the workers. One JSON object.
 * Targets: N = 2 workers ≥ 1.7× one worker; best wasm ≥ 0.4× PyTorch's best thread count.
 *
 *   npm run bench -- train [--preset laptop] [--steps 5] [--workers 1,2] [--backends node-gpu,node,wasm,cpu]
 *                          [--torch-threads 1,2] [--no-torch] [--encoding chordwise]
 *
 * With --encoding chordwise it also trains on the piano corpus's chords (4 steps per quarter, the
 * vocabulary a run would make) at 1 and N workers and prints their tokens/s against notewise's in
 * the same run (target ≥ 0.5×), the vocabulary size and the step's breakdown (step-profile).
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
import { layerSizes, PRESETS, modelConfigFor, type PresetName } from '../src/core/model/presets';
import * as tf from '../src/core/model/tf';
import { DataParallel, workerCount } from '../src/core/train/dataParallel';
import { Vocab } from '../src/core/train/vocab';
import { Catalog } from '../src/core/catalog/catalog';
import { codecFor } from '../src/core/encoding/codec';
import { importPaths } from '../src/core/import/importer';
import { softmaxSplits } from '../src/core/model/splitSoftmax';
import { CorpusTokens } from '../src/core/train/corpusTokens';
import { shuffled } from '../src/core/train/rng';
import { DEFAULT_SAMPLE_FREQ } from '../src/shared/encodings';
import { demoCorpus, midiFilesUnder, sharedCorpora } from '../src/testing/corpora';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const presetName = opt('preset', 'laptop') as PresetName;
const steps = Number(opt('steps', '5'));
const self = fileURLToPath(import.meta.url);
const cores = os.availableParallelism();

type Measured = { tokensPerSec: number; stepMs: number; detail: string; workers: number; workerTokensPerSec: number[] };

/** Matmul FLOPs of one training token: forward (one-hot embedding, LSTM gates, tied decoder) × 3 for the backward. */
function flopsPerToken(vocab: number): number {
  const p = PRESETS[presetName];
  const cfg = modelConfigFor(p, vocab);
  let fwd = 2 * vocab * cfg.embSize * 2;
  for (const { input, hidden } of layerSizes(cfg)) fwd += 2 * (input + hidden) * 4 * hidden;
  return 3 * fwd;
}

/** Real token ids to train on: notewise from the demo corpus, or chordwise ones from a file the parent wrote. */
function trainingIds(tokensFile: string): { vocabSize: number; ids: number[] } {
  if (tokensFile) return JSON.parse(fs.readFileSync(tokensFile, 'utf8')) as { vocabSize: number; ids: number[] };
  const p = PRESETS[presetName];
  const o = resolveEncodingOptions();
  const vocab = Vocab.notewise(o, false);
  const ids: number[] = [];
  for (const f of midiFilesUnder(demoCorpus)) {
    if (ids.length > (p.bptt + 1) * p.batchSize * 2) break;
    ids.push(...vocab.ids(encodePiece(readMidi(fs.readFileSync(f)), 'notewise', o)), vocab.eos);
  }
  return { vocabSize: vocab.size, ids };
}

/**
 * Chordwise text of the piano corpus at 4 steps per quarter, with the vocabulary a run would make
 * (every valid key; chords seen twice, at most 40,000): written to a file for the phases to read.
 */
async function chordwiseTokens(file: string): Promise<{ vocabSize: number; chords: number }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-bench-chords-'));
  try {
    const catalog = Catalog.open(home);
    await importPaths(catalog, [sharedCorpora().piano]);
    const codec = codecFor('chordwise', resolveEncodingOptions({ sampleFreq: DEFAULT_SAMPLE_FREQ.chordwise }));
    const tokens = new CorpusTokens(catalog, 'chordwise', codec.options, 8);
    const items = catalog
      .listPieces({ split: 'train' })
      .flatMap((piece) => tokens.validShifts(piece.id).map((shift) => ({ pieceId: piece.id, shift })));
    const chords = new Set<string>();
    const words = function* (): Generator<string[]> {
      for (const it of items) {
        const w = tokens.words(it);
        for (const c of w) chords.add(c);
        yield w;
      }
    };
    const vocab = codec.vocabulary(false, words());
    const p = PRESETS[presetName];
    const ids: number[] = [];
    for (const it of shuffled(items, 7)) {
      if (ids.length > (p.bptt + 1) * p.batchSize * 2) break;
      ids.push(...tokens.ids(it, vocab), vocab.eos);
    }
    catalog.close();
    fs.writeFileSync(file, JSON.stringify({ vocabSize: vocab.size, ids }));
    return { vocabSize: vocab.size, chords: chords.size };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function measure(backend: BackendChoice, workers: number, tokensFile: string): Promise<Measured> {
  const report = await initBackend(backend, 'train');
  const p = PRESETS[presetName];
  const { vocabSize, ids } = trainingIds(tokensFile);
  const model = new AwdLstm(modelConfigFor(p, vocabSize));
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
  const pool = await DataParallel.open(model, adam, workerCount(workers, backend, B).count, backend);
  const warmup = backend === 'cpu' ? 1 : 2;
  const n = backend === 'cpu' ? Math.min(2, steps) : steps;
  let t0 = 0;
  const perWorker: number[][] = [];
  for (let k = 0; k < warmup + n; k++) {
    if (k === warmup) t0 = performance.now();
    const r = await pool.step(window(k), k, p.lr, p);
    if (k >= warmup) perWorker.push(r.workerTokensPerSec);
  }
  const ms = (performance.now() - t0) / n;
  const used = pool.workers;
  await pool.close();
  return {
    tokensPerSec: (T * B * 1000) / ms,
    stepMs: ms,
    detail: report.detail,
    workers: used,
    workerTokensPerSec: perWorker[0]!.map((_, i) => perWorker.reduce((s, w) => s + w[i]!, 0) / perWorker.length),
  };
}

/** The wasm backend's fp32 matmul rate on one core, at the LSTM's own shapes (GFLOP/s): the ceiling per worker. */
async function matmulCeiling(): Promise<{ gflops: number; shapes: string }> {
  await initBackend('wasm');
  const p = PRESETS[presetName];
  const M = p.bptt * p.batchSize;
  const shapes: Array<[number, number, number]> = [
    [M, p.embSize, 4 * p.hiddenSize],
    [M, p.hiddenSize, 4 * p.hiddenSize],
    [p.batchSize, p.hiddenSize, 4 * p.hiddenSize],
  ];
  let best = 0;
  for (const [m, k, n] of shapes) {
    const a = tf.randomUniform([m, k]);
    const b = tf.randomUniform([k, n]);
    const reps = Math.max(3, Math.round(2e10 / (2 * m * k * n)));
    tf.matMul(a, b).dispose();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.matMul(a, b).dispose();
    const s = (performance.now() - t0) / 1000;
    best = Math.max(best, (2 * m * k * n * reps) / s / 1e9);
    a.dispose();
    b.dispose();
  }
  return { gflops: best, shapes: shapes.map((s) => s.join('×')).join(', ') };
}

function sub<T>(phaseArgs: string[]): T | { unavailable: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', self, ...phaseArgs, '--preset', presetName, '--steps', String(steps)],
    {
      encoding: 'utf8',
    },
  );
  try {
    return r.status === 0
      ? (JSON.parse(r.stdout) as T)
      : { unavailable: r.stderr.trim().split('\n').at(-1) ?? 'failed' };
  } catch {
    return { unavailable: r.stdout.trim().split('\n').at(-1) ?? 'failed' };
  }
}

const phase = opt('phase', '');
if (phase === 'matmul') {
  process.stdout.write(JSON.stringify(await matmulCeiling()));
} else if (phase) {
  // One backend per process: tfjs keeps one engine per process.
  try {
    process.stdout.write(
      JSON.stringify(await measure(phase as BackendChoice, Number(opt('workers', '1')), opt('tokens', ''))),
    );
  } catch (err) {
    process.stdout.write(JSON.stringify({ unavailable: err instanceof Error ? err.message : String(err) }));
  }
} else {
  const p = PRESETS[presetName];
  const vocabSize = Vocab.notewise(resolveEncodingOptions(), false).size;
  const flops = flopsPerToken(vocabSize);
  // Plain-JS cpu takes minutes a step on the laptop preset: measured only when named (--backends wasm,cpu).
  const backends = opt('backends', 'node-gpu,node,wasm').split(',') as BackendChoice[];
  const workerCounts = [...new Set(opt('workers', `1,${cores}`).split(',').map(Number))];
  const ceiling = sub<{ gflops: number; shapes: string }>(['--phase', 'matmul']);
  const perCore = 'gflops' in ceiling ? ceiling.gflops : null;
  const results: Record<string, unknown> = {};
  let best: { backend: string; workers: number; tokensPerSec: number } | null = null;
  const wasm: Record<number, number> = {};
  for (const b of backends) {
    const counts = b === 'wasm' || b === 'cpu' ? workerCounts : [1];
    for (const w of counts) {
      const key = counts.length > 1 ? `${b} × ${w} workers` : b;
      const m = sub<Measured>(['--phase', b, '--workers', String(w)]);
      if ('unavailable' in m) {
        results[key] = m;
        break;
      }
      const gflops = (m.tokensPerSec * flops) / 1e9;
      results[key] = {
        tokensPerSec: Math.round(m.tokensPerSec),
        stepMs: Math.round(m.stepMs),
        workers: m.workers,
        workerTokensPerSec: m.workerTokensPerSec.map(Math.round),
        gflops: +gflops.toFixed(1),
        ...(b === 'wasm' && perCore ? { fractionOfCeiling: +(gflops / (perCore * m.workers)).toFixed(2) } : {}),
        detail: m.detail,
      };
      if (b === 'wasm') wasm[m.workers] = m.tokensPerSec;
      if (!best || m.tokensPerSec > best.tokensPerSec)
        best = { backend: b, workers: m.workers, tokensPerSec: m.tokensPerSec };
    }
  }
  const torch: Record<string, unknown> = {};
  let torchBest: { threads: number; tokensPerSec: number } | null = null;
  if (!args.includes('--no-torch')) {
    const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    for (const threads of opt('torch-threads', '1,2').split(',').map(Number)) {
      const r = spawnSync(
        py,
        [
          path.join(path.dirname(self), 'torch_reference.py'),
          ...['--vocab', String(vocabSize), '--emb', String(p.embSize), '--hidden', String(p.hiddenSize)],
          ...['--layers', String(p.layers), '--bptt', String(p.bptt), '--batch', String(p.batchSize)],
          ...['--steps', String(steps), '--threads', String(threads)],
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) {
        torch[`${threads} threads`] = {
          unavailable: `python3-torch not usable: ${r.stderr.trim().split('\n').at(-1) ?? ''}`,
        };
        break;
      }
      const t = JSON.parse(r.stdout) as { torchTokensPerSec: number; torchVersion: string };
      torch[`${threads} threads`] = { tokensPerSec: Math.round(t.torchTokensPerSec), version: t.torchVersion };
      if (!torchBest || t.torchTokensPerSec > torchBest.tokensPerSec)
        torchBest = { threads, tokensPerSec: t.torchTokensPerSec };
    }
  }
  const maxWorkers = Math.max(...Object.keys(wasm).map(Number));
  const speedup = wasm[1] && maxWorkers > 1 ? wasm[maxWorkers]! / wasm[1] : null;
  // Chordwise (--encoding chordwise): the piano corpus's chords on wasm, 1 and N workers, against
  // the notewise figures above, with the step's breakdown from the step-profile bench.
  let chordwise: Record<string, unknown> | null = null;
  if (opt('encoding', 'notewise') === 'chordwise') {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'clara-bench-')), 'chords.json');
    const made = await chordwiseTokens(file);
    const runs: Record<string, unknown> = {};
    const ratios: Record<string, number> = {};
    for (const w of workerCounts) {
      const m = sub<Measured>(['--phase', 'wasm', '--workers', String(w), '--tokens', file]);
      runs[`wasm × ${w} workers`] =
        'unavailable' in m
          ? m
          : {
              tokensPerSec: Math.round(m.tokensPerSec),
              stepMs: Math.round(m.stepMs),
              workerTokensPerSec: m.workerTokensPerSec.map(Math.round),
            };
      if (!('unavailable' in m) && wasm[w]) ratios[`${w} workers`] = +(m.tokensPerSec / wasm[w]!).toFixed(2);
    }
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const profile = spawnSync(
      process.execPath,
      [
        path.join(path.dirname(self), '..', 'bin', 'bench.mjs'),
        'step-profile',
        '--vocabs',
        `${vocabSize},${made.vocabSize}`,
        '--reps',
        '1',
      ],
      { encoding: 'utf8' },
    );
    chordwise = {
      sampleFreq: DEFAULT_SAMPLE_FREQ.chordwise,
      chordsInTrainingText: made.chords,
      vocabularySize: made.vocabSize,
      softmaxSplits: softmaxSplits(made.vocabSize) ?? null,
      ...runs,
      ratioToNotewise: ratios,
      target: { ratioToNotewiseMin: 0.5 },
      stepProfileMs:
        profile.status === 0
          ? (JSON.parse(profile.stdout.slice(profile.stdout.indexOf('{'))) as { milliseconds: unknown }).milliseconds
          : { unavailable: profile.stderr.trim().split('\n').at(-1) },
    };
  }
  const ratio = best && torchBest ? best.tokensPerSec / torchBest.tokensPerSec : null;
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
          mflopsPerToken: +(flops / 1e6).toFixed(1),
        },
        best: best ? { ...best, tokensPerSec: Math.round(best.tokensPerSec) } : null,
        wasmWorkerSpeedup: speedup === null ? null : { workers: maxWorkers, speedup: +speedup.toFixed(2) },
        torchBest: torchBest ? { ...torchBest, tokensPerSec: Math.round(torchBest.tokensPerSec) } : null,
        ratioToTorchBest: ratio === null ? null : +ratio.toFixed(2),
        targets: { workerSpeedupMin: 1.7, ratioToTorchBestMin: 0.4 },
        pass: speedup !== null && speedup >= 1.7 && ratio !== null && ratio >= 0.4,
        wasmMatmulCeiling:
          'gflops' in ceiling ? { gflopsPerCore: +ceiling.gflops.toFixed(1), shapes: ceiling.shapes } : ceiling,
        backends: results,
        ...(chordwise ? { chordwise } : {}),
        torch,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores,
        loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
      },
      null,
      2,
    )}\n`,
  );
}
