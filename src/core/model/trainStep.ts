import { clipByGlobalNorm, type Adam } from './adam';
import type { AwdLstm } from './awdLstm';
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

/** One optimisation step of truncated BPTT: forward, hand-written LSTM backward, clip, Adam. */
export function trainStep(
  model: AwdLstm,
  opt: Adam,
  w: Window,
  state: LstmState[],
  seed: number,
  lr: number,
  cfg: Pick<OptimConfig, 'alpha' | 'beta' | 'clip'>,
): StepResult {
  const params = model.params();
  let next: LstmState[] = [];
  let ce = 0;
  let correct = 0;
  const { value, grads } = tf.variableGrads(() => {
    const tokens = tf.tensor2d(w.inputs, [w.T, w.B], 'int32');
    const targets = tf.tensor2d(w.targets, [w.T, w.B], 'int32');
    const out = model.forwardTrain(tokens, targets, state, seed, cfg);
    next = out.state;
    ce = out.ce.dataSync()[0]!;
    correct = out.correct.dataSync()[0]!;
    return out.loss;
  }, [...params.values()]);
  const loss = value.dataSync()[0]!;
  value.dispose();
  const named = new Map<string, tf.Tensor>();
  for (const [name, v] of params) {
    const g = grads[v.name];
    if (g) named.set(name, g);
  }
  const gradNorm = clipByGlobalNorm(named, cfg.clip);
  opt.apply(named, lr);
  for (const g of named.values()) g.dispose();
  disposeStates(state);
  return { loss, ce, accuracy: correct / (w.T * w.B), gradNorm, state: next };
}

/** Mean cross-entropy and accuracy of a window without dropout; advances the hidden state. */
export function evalWindow(
  model: AwdLstm,
  w: Window,
  state: LstmState[],
): { ceSum: number; correct: number; count: number; state: LstmState[] } {
  const tokens = tf.tensor2d(w.inputs, [w.T, w.B], 'int32');
  const targets = tf.tensor2d(w.targets, [w.T, w.B], 'int32');
  const out = model.forwardEval(tokens, targets, state);
  tokens.dispose();
  targets.dispose();
  const ce = out.ce.dataSync()[0]!;
  const correct = out.correct.dataSync()[0]!;
  out.ce.dispose();
  out.correct.dispose();
  disposeStates(state);
  return { ceSum: ce * w.T * w.B, correct, count: w.T * w.B, state: out.state };
}

/**
 * Mean cross-entropy and accuracy over consecutive windows (validation), the hidden state carried
 * from one to the next; NaN loss when there are none.
 */
export function evaluateWindows(model: AwdLstm, windows: readonly Window[]): { loss: number; accuracy: number } {
  if (windows.length === 0) return { loss: Number.NaN, accuracy: 0 };
  let state = model.zeroState(windows[0]!.B);
  let ce = 0;
  let correct = 0;
  let count = 0;
  for (const w of windows) {
    const r = evalWindow(model, w, state);
    state = r.state;
    ce += r.ceSum;
    correct += r.correct;
    count += r.count;
  }
  disposeStates(state);
  return { loss: ce / count, accuracy: correct / count };
}
