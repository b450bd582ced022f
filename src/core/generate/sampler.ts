import type { SamplingOptions } from '../../shared/sampling';
import { ClaraError } from '../errors';
import { topIndices } from './topIndices';

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

/** The candidates a nucleus draw ranks, growing, before it ranks the whole vocabulary. */
const NUCLEUS_TRIES = [64, 2048];

/**
 * Picks the next word from logits. Words for which `allowed` says no (grammar: an `end` of a note
 * that is not sounding, a special token) are never chosen. Deterministic for a given `rand`. A rule
 * draws the same words as sorting every candidate would (only the pool it can reach is ranked); no
 * rule draws from the same distribution, in id order.
 */
export function sampleIndex(
  logits: ArrayLike<number>,
  o: SamplingOptions,
  rand: () => number,
  allowed?: (i: number) => boolean,
): number {
  const none = (): never => {
    throw new ClaraError('no word is allowed at this point', 'generation');
  };
  if (o.temperature === 0) return topIndices(logits, 1, allowed)[0] ?? none();
  let pool: number[];
  if (o.topN !== undefined) {
    // Clara: the top choice, except with probability truncProb a draw among the top n.
    pool = topIndices(logits, o.topN, allowed);
    if (pool.length === 0) none();
    if (rand() >= (o.truncProb ?? 1)) return pool[0]!;
  } else if (o.topK !== undefined) {
    pool = topIndices(logits, o.topK, allowed);
    if (o.topP !== undefined)
      pool = nucleusOf(logits, pool, o.topP, o.temperature, massOf(logits, pool, o.temperature));
  } else if (o.topP !== undefined) pool = nucleus(logits, o.topP, o.temperature, allowed);
  else return drawAll(logits, o.temperature, rand, allowed) ?? none();
  if (pool.length === 0) none();
  return draw(logits, pool, o.temperature, rand);
}

/**
 * A draw from the softmax at `temperature` over every allowed word, walked in id order: the same
 * distribution as walking them most likely first, without ranking tens of thousands of words.
 */
function drawAll(
  logits: ArrayLike<number>,
  temperature: number,
  rand: () => number,
  allowed?: (i: number) => boolean,
): number | undefined {
  const V = logits.length;
  const weights = new Float64Array(V);
  let max = Number.NEGATIVE_INFINITY;
  let last = -1;
  for (let i = 0; i < V; i++) {
    if (allowed && !allowed(i)) {
      weights[i] = -1;
      continue;
    }
    last = i;
    if (logits[i]! > max) max = logits[i]!;
  }
  if (last < 0) return undefined;
  let total = 0;
  for (let i = 0; i < V; i++)
    if (weights[i] === 0) {
      weights[i] = Math.exp((logits[i]! - max) / temperature);
      total += weights[i]!;
    }
  let r = rand() * total;
  for (let i = 0; i < V; i++) {
    if (weights[i]! < 0) continue;
    r -= weights[i]!;
    if (r <= 0) return i;
  }
  return last;
}

/** A draw from the softmax at `temperature` over `pool` (most likely first). */
function draw(logits: ArrayLike<number>, pool: number[], temperature: number, rand: () => number): number {
  const max = logits[pool[0]!]!;
  const weights = pool.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let k = 0; k < pool.length; k++) {
    r -= weights[k]!;
    if (r <= 0) return pool[k]!;
  }
  return pool[pool.length - 1]!;
}

/** The softmax mass of `pool` at `temperature`, relative to its first (most likely) word. */
function massOf(logits: ArrayLike<number>, pool: number[], temperature: number): number {
  const max = logits[pool[0]!]!;
  let total = 0;
  for (const i of pool) total += Math.exp((logits[i]! - max) / temperature);
  return total;
}

/** The smallest prefix of `ranked` holding `p` of `total`, or all of it. */
function nucleusOf(
  logits: ArrayLike<number>,
  ranked: number[],
  p: number,
  temperature: number,
  total: number,
): number[] {
  return prefixOf(logits, ranked, p, temperature, total) ?? ranked;
}

/** The smallest prefix of `ranked` holding `p` of `total`; undefined when all of it holds less. */
function prefixOf(
  logits: ArrayLike<number>,
  ranked: number[],
  p: number,
  temperature: number,
  total: number,
): number[] | undefined {
  if (ranked.length === 0) return ranked;
  const max = logits[ranked[0]!]!;
  let acc = 0;
  for (let keep = 0; keep < ranked.length; keep++) {
    if (acc >= p * total) return ranked.slice(0, Math.max(1, keep));
    acc += Math.exp((logits[ranked[keep]!]! - max) / temperature);
  }
  return acc >= p * total ? ranked : undefined;
}

/**
 * The smallest most-likely-first prefix holding `p` of the allowed mass. The mass is one pass over
 * the vocabulary; the ranking is of the first few words, and of all of them only when those few
 * hold less than `p` (a flat distribution).
 */
function nucleus(
  logits: ArrayLike<number>,
  p: number,
  temperature: number,
  allowed?: (i: number) => boolean,
): number[] {
  const [top] = topIndices(logits, 1, allowed);
  if (top === undefined) return [];
  const max = logits[top]!;
  let total = 0;
  for (let i = 0; i < logits.length; i++)
    if (!allowed || allowed(i)) total += Math.exp((logits[i]! - max) / temperature);
  for (const k of NUCLEUS_TRIES) {
    const found = prefixOf(logits, topIndices(logits, k, allowed), p, temperature, total);
    if (found) return found;
  }
  return nucleusOf(logits, topIndices(logits, logits.length, allowed), p, temperature, total);
}
