import type { SamplingOptions } from '../../shared/sampling';
import { ClaraError } from '../errors';

export type { SamplingOptions };

export function checkSampling(o: SamplingOptions): SamplingOptions {
  const bad = (field: string, why: string): never => {
    throw new ClaraError(why, 'bad-option', field);
  };
  if (!(o.temperature >= 0 && o.temperature <= 10)) bad('temperature', 'must be from 0 to 10');
  if (o.topN !== undefined && !(Number.isInteger(o.topN) && o.topN >= 1)) bad('top-n', 'must be a whole number ≥ 1');
  if (o.truncProb !== undefined && !(o.truncProb >= 0 && o.truncProb <= 1)) bad('trunc-prob', 'must be from 0 to 1');
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1)) bad('top-k', 'must be a whole number ≥ 1');
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) bad('top-p', 'must be above 0 and at most 1');
  return o;
}

/**
 * Picks the next word from logits. Words for which `allowed` says no (grammar: an `end` of a note
 * that is not sounding, a special token) are never chosen. Deterministic for a given `rand`.
 */
export function sampleIndex(
  logits: ArrayLike<number>,
  o: SamplingOptions,
  rand: () => number,
  allowed?: (i: number) => boolean,
): number {
  const cand: number[] = [];
  for (let i = 0; i < logits.length; i++) if (!allowed || allowed(i)) cand.push(i);
  if (cand.length === 0) throw new ClaraError('no word is allowed at this point', 'generation');
  cand.sort((a, b) => logits[b]! - logits[a]! || a - b);
  const top = cand[0]!;
  if (o.temperature === 0) return top;
  let pool = cand;
  if (o.topN !== undefined) {
    // Clara: the top choice, except with probability truncProb a draw among the top n.
    if (rand() >= (o.truncProb ?? 1)) return top;
    pool = cand.slice(0, o.topN);
  } else if (o.topK !== undefined) pool = cand.slice(0, o.topK);
  const max = logits[pool[0]!]!;
  let weights = pool.map((i) => Math.exp((logits[i]! - max) / o.temperature));
  if (o.topN === undefined && o.topP !== undefined) {
    const total = weights.reduce((a, b) => a + b, 0);
    let acc = 0;
    let keep = 0;
    while (keep < pool.length && acc < o.topP * total) acc += weights[keep++]!;
    pool = pool.slice(0, Math.max(1, keep));
    weights = weights.slice(0, pool.length);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let k = 0; k < pool.length; k++) {
    r -= weights[k]!;
    if (r <= 0) return pool[k]!;
  }
  return pool[pool.length - 1]!;
}
