/**
 * Learning per token against PyTorch: the same AWD-LSTM, trained on the same exported token windows
 * (same order, same batch streams) with the same schedule, clip and optimiser, by our trainer's step
 * (wasm) and by a faithful PyTorch AWD-LSTM (bench/torch_compare.py, one thread). Prints one JSON
 * object with both validation-loss curves. The two runs are sequential, never concurrent.
 *
 *   npm run bench -- torch-compare [--preset laptop] [--steps 80] [--seeds 1,2] [--eval-every 10]
 *                                  [--valid-windows 4] [--stop-at N] [--corpus DIR] [--no-torch] [--no-ours]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePiece, resolveEncodingOptions } from '../src/core/encoding';
import { readMidi } from '../src/core/midi/read';
import { Adam } from '../src/core/model/adam';
import { AwdLstm } from '../src/core/model/awdLstm';
import { initBackend } from '../src/core/model/backend';
import { disposeStates } from '../src/core/model/lstm';
import { PRESETS, modelConfigFor, type PresetName } from '../src/core/model/presets';
import { evaluateWindows, trainStep, type Window } from '../src/core/model/trainStep';
import { BpttBatches } from '../src/core/train/batches';
import { shuffled } from '../src/core/train/rng';
import { learningRate } from '../src/core/train/schedule';
import { Vocab } from '../src/core/train/vocab';
import { midiFilesUnder, sharedCorpora } from '../src/testing/corpora';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const presetName = opt('preset', 'laptop') as PresetName;
const p = PRESETS[presetName];
const steps = Number(opt('steps', '80'));
const seeds = opt('seeds', '1').split(',').map(Number);
const evalEvery = Number(opt('eval-every', '10'));
// Stop our run early (the schedule still spans --steps): the spike sits just after the warm-up.
const stopAt = Math.min(steps, Number(opt('stop-at', String(steps))));
const validWindows = Number(opt('valid-windows', '4'));
const corpus = opt('corpus', sharedCorpora().piano);
const self = fileURLToPath(import.meta.url);

const o = resolveEncodingOptions();
const vocab = Vocab.notewise(o, false);
const pieces: Int32Array[] = [];
for (const f of midiFilesUnder(corpus)) {
  try {
    pieces.push(Int32Array.from(vocab.ids(encodePiece(readMidi(fs.readFileSync(f)), 'notewise', o))));
  } catch {
    // An unreadable file is skipped by both sides alike.
  }
}
// Every tenth piece is validation; the rest train, shuffled by the seed as the trainer does.
const valid = pieces.filter((_, i) => i % 10 === 0);
const train = pieces.filter((_, i) => i % 10 !== 0);
const T = p.bptt;
const B = p.batchSize;

function windows(items: Int32Array[], seed: number | null, n: number): Window[] {
  const order =
    seed === null
      ? items.map((_, i) => i)
      : shuffled(
          items.map((_, i) => i),
          seed,
        );
  // Items stand for pieces by index (pieceId); no transposition, the same for both sides.
  const make = () =>
    new BpttBatches(
      order.map((i) => ({ pieceId: i, shift: 0 })),
      B,
      T,
      (it) => items[it.pieceId]!,
      vocab.eos,
      undefined,
      (it) => items[it.pieceId]!.length,
    );
  let b = make();
  const out: Window[] = [];
  while (out.length < n) {
    const w = b.next();
    if (w) out.push(w);
    else b = make();
  }
  return out;
}

const validW = windows(valid, null, validWindows);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-torch-compare-'));
const evalSteps = Array.from({ length: Math.floor(steps / evalEvery) }, (_, k) => (k + 1) * evalEvery);

function exportRun(seed: number, trainW: Window[]): string {
  const file = path.join(dir, `seed${seed}.bin`);
  const all = [...trainW, ...validW];
  const buf = new Int32Array(all.length * 2 * T * B);
  all.forEach((w, k) => {
    buf.set(w.inputs, 2 * k * T * B);
    buf.set(w.targets, (2 * k + 1) * T * B);
  });
  fs.writeFileSync(file, Buffer.from(buf.buffer));
  return file;
}

async function ours(
  seed: number,
  trainW: Window[],
): Promise<{ valid: Array<[number, number]>; trainCe: number[]; tokensPerSec: number }> {
  await initBackend('wasm');
  const model = new AwdLstm(modelConfigFor(p, vocab.size), seed);
  const adam = new Adam(model.params(), p.beta1, p.beta2, p.weightDecay);
  const validCurve: Array<[number, number]> = [];
  const trainCe: number[] = [];
  let state = model.zeroState(B);
  let trainMs = 0;
  for (let step = 0; step < stopAt; step++) {
    const t0 = performance.now();
    const r = await trainStep(
      model,
      adam,
      trainW[step]!,
      state,
      seed * 1_000_003 + step * 97,
      learningRate(p.schedule, p.lr, step / steps),
      p,
    );
    trainMs += performance.now() - t0;
    state = r.state;
    trainCe.push(+r.ce.toFixed(4));
    if (evalSteps.includes(step + 1)) {
      const valid = (await evaluateWindows(model, validW)).loss;
      validCurve.push([step + 1, +valid.toFixed(4)]);
      process.stderr.write(`ours seed ${seed} step ${step + 1}: valid ${valid.toFixed(3)}\n`);
    }
  }
  disposeStates(state);
  model.dispose();
  adam.dispose();
  return { valid: validCurve, trainCe, tokensPerSec: Math.round((stopAt * T * B * 1000) / trainMs) };
}

/** Mean training cross-entropy per evaluation interval: the spike shows here too, without the noise of single steps. */
function intervals(ce: number[]): number[] {
  return evalSteps
    .filter((s) => s <= ce.length)
    .map((s) => +(ce.slice(s - evalEvery, s).reduce((a, b) => a + b, 0) / evalEvery).toFixed(3));
}

const results: Record<string, unknown> = {};
for (const seed of seeds) {
  const trainW = windows(train, seed * 7919, steps);
  const entry: Record<string, unknown> = {};
  if (!args.includes('--no-ours')) {
    const r = await ours(seed, trainW);
    entry.ours = { valid: r.valid, trainCe: intervals(r.trainCe), tokensPerSec: r.tokensPerSec };
  }
  if (!args.includes('--no-torch')) {
    const file = exportRun(seed, trainW);
    const cfg = { ...p, vocab: vocab.size, steps, validWindows, evalEvery, seed, T, B, data: file };
    const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const r = spawnSync(py, [path.join(path.dirname(self), 'torch_compare.py'), JSON.stringify(cfg)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const t =
      r.status === 0
        ? (JSON.parse(r.stdout) as { valid: Array<[number, number]>; trainCe: number[]; tokensPerSec: number })
        : null;
    entry.torch = t
      ? { ...t, trainCe: intervals(t.trainCe) }
      : { unavailable: 'python3-torch not usable (apt-get install python3-torch libopenblas0-pthread)' };
  }
  results[`seed${seed}`] = entry;
}
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ bench: 'torch-compare', preset: presetName, steps, tokensPerStep: T * B, vocab: vocab.size, trainPieces: train.length, validPieces: valid.length, validTokens: validWindows * T * B, results }, (k, v) => (k === 'trainCe' || k === 'valid' ? JSON.stringify(v) : v), 2)}\n`,
);
