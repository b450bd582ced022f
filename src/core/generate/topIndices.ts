/**
 * The pool a one-pass scan keeps sorted by insertion; above it a numeric sort finds the cut. 64
 * covers Clara's top-n and usual top-k at a few comparisons per word.
 */
const SMALL_K = 64;

/**
 * The `k` most likely allowed words, most likely first (ties: the lower id first), without sorting
 * the whole vocabulary: a chordwise vocabulary has tens of thousands of words, and a full sort of
 * them for every sample at every step cost more than the model's step (about 20 ms a row at 36,409
 * words). A small `k` keeps a sorted buffer in one pass; a large one sorts only what can be in it.
 */
export function topIndices(logits: ArrayLike<number>, k: number, allowed?: (i: number) => boolean): number[] {
  const V = logits.length;
  if (k <= 0) return [];
  if (k <= SMALL_K) {
    const ids: number[] = [];
    for (let i = 0; i < V; i++) {
      const x = logits[i]!;
      // Scanning in id order, an equal value never displaces an earlier id.
      if (ids.length === k && !(x > logits[ids[k - 1]!]!)) continue;
      if (allowed && !allowed(i)) continue;
      let at = ids.length === k ? k - 1 : ids.length;
      if (ids.length < k) ids.push(i);
      while (at > 0 && x > logits[ids[at - 1]!]!) {
        ids[at] = ids[at - 1]!;
        at--;
      }
      ids[at] = i;
    }
    return ids;
  }
  const cand: number[] = [];
  for (let i = 0; i < V; i++) if (!allowed || allowed(i)) cand.push(i);
  const byValue = (a: number, b: number) => logits[b]! - logits[a]! || a - b;
  if (k >= cand.length) return cand.sort(byValue);
  // The k-th largest value by a native numeric sort; only words at or above it are sorted by id.
  const values = Float32Array.from(cand, (i) => logits[i]!).sort();
  const floor = values[values.length - k]!;
  return cand
    .filter((i) => Math.fround(logits[i]!) >= floor)
    .sort(byValue)
    .slice(0, k);
}
