import type { EvalMetric, TrainEventOf, TrainMetric } from './events';

/**
 * The one mapping from a training event to the point stored in the catalog and drawn on the
 * charts, used by the trainer when it records a point and by the renderer when it adds a live one.
 * Zod-free, so the renderer can import it without the schemas.
 */
export function trainMetricOf(e: TrainEventOf<'step'>): TrainMetric {
  return {
    step: e.step,
    loss: e.loss,
    ce: e.ce,
    accuracy: e.accuracy,
    lr: e.lr,
    tokensPerSec: e.tokensPerSec,
    elapsedS: e.elapsedS,
  };
}

export function evalMetricOf(e: TrainEventOf<'eval'>): EvalMetric {
  return { step: e.step, valLoss: e.valLoss, valPerplexity: e.valPerplexity, valAccuracy: e.valAccuracy };
}
