/**
 * Batch scores of generated samples from a composer classifier's outputs p(composer | sample).
 *
 * Inception-like score, as in the Inception Score (Salimans et al. 2016):
 *   IS = exp( E_x [ KL( p(y|x) ‖ p(y) ) ] ),  p(y) = E_x [ p(y|x) ]
 * High when each sample is confidently one composer (sharp p(y|x)) and the batch as a whole covers
 * all composers (flat p(y)); 1 at worst, the number of composers at best.
 */
export function inceptionScore(probs: ReadonlyArray<ArrayLike<number>>): number {
  if (probs.length === 0) throw new Error('inceptionScore needs at least one sample');
  const k = probs[0]!.length;
  const marginal = new Float64Array(k);
  for (const p of probs) for (let i = 0; i < k; i++) marginal[i]! += p[i]! / probs.length;
  let meanKl = 0;
  for (const p of probs) {
    let kl = 0;
    for (let i = 0; i < k; i++) {
      const pi = p[i]!;
      if (pi > 0) kl += pi * Math.log(pi / marginal[i]!);
    }
    meanKl += kl / probs.length;
  }
  return Math.exp(meanKl);
}

/**
 * Clara's "novel style": a sample the critic takes for human work (p(real) above `realAt`) that no
 * composer claims (no composer's probability above `claimAt`).
 */
export function isNovel(pReal: number, composerProbs: ArrayLike<number>, realAt = 0.5, claimAt = 0.5): boolean {
  let max = 0;
  for (let i = 0; i < composerProbs.length; i++) max = Math.max(max, composerProbs[i]!);
  return pReal > realAt && max <= claimAt;
}

/** The critic's ranking score of a sample, as in Clara: log p(real) − log p(generated). */
export function criticScore(pReal: number): number {
  const eps = 1e-7;
  const p = Math.min(1 - eps, Math.max(eps, pReal));
  return Math.log(p) - Math.log(1 - p);
}
