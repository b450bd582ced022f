import { clipByGlobalNorm, type Adam } from './adam';
import type { AwdLstm } from './awdLstm';
import type { BatchRows } from './batchRows';
import { disposeStates, type LstmState } from './lstm';
import type { OptimConfig } from './presets';
import * as tf from './tf';

export interface Window {
  /** Time-major [T, B] token ids and the next token at each position. */
  inputs: Int32Array;
  targets: Int32Array;
  T: number;
  B: number;
}

export interface StepResult {
  loss: number;
  ce: number;
  accuracy: number;
  gradNorm: number;
  state: LstmState[];
}

/** One share's forward and backward pass: its loss terms and the gradient of every parameter. */
export interface Gradients {
  loss: number;
  ce: number;
  correct: number;
  grads: Map<string, tf.Tensor>;
  /** The hidden state after the window, carried into the next one. */
  state: LstmState[];
}

/**
 * Reads scalars back from the backend. Asynchronously: a GPU backend (webgpu) cannot read
 * synchronously in Node, and in a browser only through a slow canvas path.
 */
export async function readScalars(...ts: tf.Tensor[]): Promise<number[]> {
  const values = await Promise.all(ts.map((t) => t.data()));
  return values.map((v) => v[0] as number);
}

/**
 * Forward and hand-written LSTM backward over one window (or, given `rows`, one worker's share of
 * it: see BatchRows). Frees `state`; the caller owns the returned gradients and state.
 */
export async function computeGradients(
  model: AwdLstm,
  w: Window,
  state: LstmState[],
  seed: number,
  cfg: Pick<OptimConfig, 'alpha' | 'beta'>,
  rows?: BatchRows,
): Promise<Gradients> {
  const params = model.params();
  let next: LstmState[] = [];
  let reported: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const tokens = tf.tensor2d(w.inputs, [w.T, w.B], 'int32');
    const targets = tf.tensor2d(w.targets, [w.T, w.B], 'int32');
    const out = model.forwardTrain(tokens, targets, state, seed, cfg, rows, w.targets);
    next = out.state;
    // Read after the backward pass, when the gradient's scope no longer frees them.
    reported = [tf.keep(out.ce), tf.keep(out.correct)];
    return out.loss;
  }, [...params.values()]);
  const [loss, ce, correct] = await readScalars(value, ...reported);
  for (const t of [value, ...reported]) t.dispose();
  const named = new Map<string, tf.Tensor>();
  for (const [name, v] of params) {
    const g = grads[v.name];
    if (g) named.set(name, g);
  }
  disposeStates(state);
  return { loss: loss!, ce: ce!, correct: correct!, grads: named, state: next };
}

/** Clips the summed gradients to the global norm and takes the Adam step; frees them; returns the norm before clipping. */
export async function applyGradients(
  opt: Adam,
  grads: Map<string, tf.Tensor>,
  lr: number,
  cfg: Pick<OptimConfig, 'clip'>,
): Promise<number> {
  const gradNorm = await clipByGlobalNorm(grads, cfg.clip);
  opt.apply(grads, lr);
  for (const g of grads.values()) g.dispose();
  return gradNorm;
}

/** One optimisation step of truncated BPTT in this thread: forward, hand-written LSTM backward, clip, Adam. */
export async function trainStep(
  model: AwdLstm,
  opt: Adam,
  w: Window,
  state: LstmState[],
  seed: number,
  lr: number,
  cfg: Pick<OptimConfig, 'alpha' | 'beta' | 'clip'>,
): Promise<StepResult> {
  const g = await computeGradients(model, w, state, seed, cfg);
  const gradNorm = await applyGradients(opt, g.grads, lr, cfg);
  return { loss: g.loss, ce: g.ce, accuracy: g.correct / (w.T * w.B), gradNorm, state: g.state };
}

/** Mean cross-entropy and accuracy of a window without dropout; advances the hidden state. */
export async function evalWindow(
  model: AwdLstm,
  w: Window,
  state: LstmState[],
): Promise<{ ceSum: number; correct: number; count: number; state: LstmState[] }> {
  const tokens = tf.tensor2d(w.inputs, [w.T, w.B], 'int32');
  const targets = tf.tensor2d(w.targets, [w.T, w.B], 'int32');
  const out = model.forwardEval(tokens, targets, state, w.targets);
  tokens.dispose();
  targets.dispose();
  const [ce, correct] = (await readScalars(out.ce, out.correct)) as [number, number];
  out.ce.dispose();
  out.correct.dispose();
  disposeStates(state);
  return { ceSum: ce * w.T * w.B, correct, count: w.T * w.B, state: out.state };
}

/** Summed cross-entropy, correct guesses and token count over some evaluated windows. */
export interface EvalSums {
  ceSum: number;
  correct: number;
  count: number;
}

/**
 * Cross-entropy and accuracy sums over consecutive windows (validation), the hidden state carried
 * from one to the next; the sums of several workers' shares add up.
 */
export async function evalSums(model: AwdLstm, windows: readonly Window[]): Promise<EvalSums> {
  const sums: EvalSums = { ceSum: 0, correct: 0, count: 0 };
  if (windows.length === 0) return sums;
  let state = model.zeroState(windows[0]!.B);
  for (const w of windows) {
    const r = await evalWindow(model, w, state);
    state = r.state;
    sums.ceSum += r.ceSum;
    sums.correct += r.correct;
    sums.count += r.count;
  }
  disposeStates(state);
  return sums;
}

/** Mean cross-entropy and accuracy of evaluation sums; NaN loss when nothing was evaluated. */
export function evalResult(s: EvalSums): { loss: number; accuracy: number } {
  return s.count === 0 ? { loss: Number.NaN, accuracy: 0 } : { loss: s.ceSum / s.count, accuracy: s.correct / s.count };
}

/** Mean cross-entropy and accuracy over consecutive windows (validation); NaN loss when there are none. */
export async function evaluateWindows(
  model: AwdLstm,
  windows: readonly Window[],
): Promise<{ loss: number; accuracy: number }> {
  return evalResult(await evalSums(model, windows));
}
