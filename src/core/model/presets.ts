import { ClaraError } from '../errors';
import { softmaxSplits } from './splitSoftmax';

export interface ModelConfig {
  vocabSize: number;
  embSize: number;
  hiddenSize: number;
  layers: number;
  /** Dropout on embedding rows (whole words). */
  dropoutEmb: number;
  /** Locked dropout on the embedded input. */
  dropoutInput: number;
  /** Locked dropout between LSTM layers. */
  dropoutHidden: number;
  /** Locked dropout on the last layer's output, before the decoder. */
  dropoutOutput: number;
  /** DropConnect on the recurrent weights. */
  weightDrop: number;
  /**
   * Word ids where the split softmax cuts a frequency-sorted vocabulary into a head and tails
   * (splitSoftmax.ts); absent: the full softmax.
   */
  softmaxSplits?: number[];
}

export interface OptimConfig {
  bptt: number;
  batchSize: number;
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** Global gradient-norm clip. */
  clip: number;
  /** Activation regularisation (AR) weight. */
  alpha: number;
  /** Temporal activation regularisation (TAR) weight. */
  beta: number;
  schedule: 'one-cycle' | 'cosine';
}

export type PresetName = 'tiny' | 'laptop' | 'clara';
export type Preset = Omit<ModelConfig, 'vocabSize'> & OptimConfig;

/** Clara's regularisation (a fifth to a tenth of the AWD-LSTM paper's: more helped notewise little). */
const CLARA_REG = {
  dropoutEmb: 0.02,
  dropoutInput: 0.05,
  dropoutHidden: 0.05,
  dropoutOutput: 0.05,
  weightDrop: 0.1,
  alpha: 2,
  beta: 1,
};
const CLARA_OPT = { beta1: 0.7, beta2: 0.99, weightDecay: 1e-6, clip: 0.3, schedule: 'one-cycle' as const };

export const PRESETS: Record<PresetName, Preset> = {
  /** For tests: trains in seconds. */
  tiny: { embSize: 24, hiddenSize: 48, layers: 2, bptt: 32, batchSize: 8, lr: 1e-2, ...CLARA_REG, ...CLARA_OPT },
  /** A sensible size for a laptop CPU: about a thousand tokens a second on two cores. */
  laptop: { embSize: 256, hiddenSize: 512, layers: 3, bptt: 100, batchSize: 32, lr: 3e-3, ...CLARA_REG, ...CLARA_OPT },
  /** The original Clara defaults, for GPUs. */
  clara: { embSize: 400, hiddenSize: 600, layers: 4, bptt: 200, batchSize: 32, lr: 3e-3, ...CLARA_REG, ...CLARA_OPT },
};

/**
 * The model part of a preset for a vocabulary: the one place that says which preset fields shape
 * the network, so a new one is added here, not in each caller (trainer, benches).
 */
export function modelConfigFor(p: Omit<ModelConfig, 'vocabSize'>, vocabSize: number): ModelConfig {
  return {
    vocabSize,
    embSize: p.embSize,
    hiddenSize: p.hiddenSize,
    layers: p.layers,
    dropoutEmb: p.dropoutEmb,
    dropoutInput: p.dropoutInput,
    dropoutHidden: p.dropoutHidden,
    dropoutOutput: p.dropoutOutput,
    weightDrop: p.weightDrop,
    ...(softmaxSplits(vocabSize) ? { softmaxSplits: softmaxSplits(vocabSize) } : {}),
  };
}

export function parsePresetName(s: string): PresetName {
  if (s in PRESETS) return s as PresetName;
  throw new ClaraError(`unknown preset "${s}" (expected ${Object.keys(PRESETS).join(', ')})`, 'bad-option', '--preset');
}

/** Layer sizes: inner layers have hiddenSize units; the last has embSize, so the decoder can share the embedding. */
export function layerSizes(
  c: Pick<ModelConfig, 'embSize' | 'hiddenSize' | 'layers'>,
): Array<{ input: number; hidden: number }> {
  return Array.from({ length: c.layers }, (_, l) => ({
    input: l === 0 ? c.embSize : c.hiddenSize,
    hidden: l === c.layers - 1 ? c.embSize : c.hiddenSize,
  }));
}
