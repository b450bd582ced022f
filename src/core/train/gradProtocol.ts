import type { BackendChoice } from '../model/backend';
import type { BatchRows } from '../model/batchRows';
import type { ModelConfig, OptimConfig } from '../model/presets';
import type { EvalSums, Window } from '../model/trainStep';

/**
 * Where each parameter lives in the flat shared buffers (weights, gradients) that the trainer and
 * its gradient workers exchange: names in the model's stable order, with shapes and offsets.
 */
export interface ParamLayout {
  names: string[];
  shapes: number[][];
  offsets: number[];
  total: number;
}

/** What the trainer asks of a gradient worker. */
export type ToWorker =
  | {
      type: 'init';
      backend: BackendChoice;
      config: ModelConfig;
      layout: ParamLayout;
      /** The trainer writes the weights here after each optimiser step; read when `version` changes. */
      weights: SharedArrayBuffer;
      /** The worker writes its share's gradients here. */
      grads: SharedArrayBuffer;
      index: number;
    }
  | {
      type: 'step';
      version: number;
      /** Start the carried hidden state from zero (a new epoch). */
      reset: boolean;
      inputs: Int32Array;
      targets: Int32Array;
      T: number;
      rows: BatchRows;
      seed: number;
      reg: Pick<OptimConfig, 'alpha' | 'beta'>;
    }
  | { type: 'eval'; version: number; windows: Window[] }
  /** Load the published weights now, ahead of the next request; no answer. */
  | { type: 'load'; version: number };

/** A gradient worker's answers, one per request. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'step'; loss: number; ce: number; correct: number; ms: number }
  | { type: 'eval'; sums: EvalSums }
  | { type: 'error'; message: string };

/**
 * A test hook: a gradient worker exits (as a crashed thread would) when asked for this step
 * (1-based count of the steps it has taken), so the tests can see a crash reported as a failed run.
 */
export const FAULT_ENV = 'CLARA_FAULT_WORKER_EXIT_AT_STEP';
