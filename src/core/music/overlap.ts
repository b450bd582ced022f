/**
 * Overlapping area (OA) of two distributions, ∫ min(p, q): 1 for identical distributions, 0 for
 * disjoint ones (Yang & Lerch 2018, "On the evaluation of generative models in music"). Two uses:
 * the direct overlap of one feature's values in two sets, and Yang & Lerch's distance approach.
 */

/** Each piece's values as a normalised histogram over `bins`, averaged over pieces with values: every piece weighs the same. */
export function setHistogram(
  perPiece: readonly (readonly number[])[],
  bin: (v: number) => number,
  bins: number,
): number[] {
  const h = new Array<number>(bins).fill(0);
  const used = perPiece.filter((vs) => vs.length > 0);
  for (const vs of used) for (const v of vs) h[Math.min(bins - 1, Math.max(0, bin(v)))]! += 1 / vs.length / used.length;
  return h;
}

/** OA of two histograms that each sum to 1 over the same bins. */
export function histogramOverlap(p: readonly number[], q: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.min(p[i] ?? 0, q[i] ?? 0);
  return s;
}

function std(v: readonly number[]): number {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
}

/** Scott's rule, as scipy's gaussian_kde (Yang & Lerch's tool) uses: σ n^(-1/5). */
export function scottBandwidth(values: readonly number[]): number {
  return std(values) * values.length ** -0.2;
}

interface Weighted {
  x: number;
  w: number;
}

function density(points: readonly Weighted[], h: number, grid: Float64Array): Float64Array {
  const out = new Float64Array(grid.length);
  const c = 1 / (h * Math.sqrt(2 * Math.PI));
  for (const { x, w } of points) {
    for (let i = 0; i < grid.length; i++) {
      const z = (grid[i]! - x) / h;
      if (z > -6 && z < 6) out[i]! += w * c * Math.exp(-0.5 * z * z);
    }
  }
  return out;
}

/**
 * OA of two Gaussian kernel density estimates, integrated on a 1,024-point grid. `h`: the bandwidth
 * for both (by default Scott's rule on each set, at least `minBandwidth`, so values on a grid still
 * give a smooth density). Weights default to 1 per value; null when a set is empty.
 */
export function kdeOverlap(
  a: readonly Weighted[] | readonly number[],
  b: readonly Weighted[] | readonly number[],
  opts: { minBandwidth?: number } = {},
): number | null {
  const norm = (v: readonly Weighted[] | readonly number[]): Weighted[] => {
    const pts = (v as ReadonlyArray<Weighted | number>).map((p) => (typeof p === 'number' ? { x: p, w: 1 } : p));
    const total = pts.reduce((s, p) => s + p.w, 0);
    return pts.map((p) => ({ x: p.x, w: p.w / total }));
  };
  if (a.length === 0 || b.length === 0) return null;
  const pa = norm(a);
  const pb = norm(b);
  const floor = opts.minBandwidth ?? 1e-3;
  const ha = Math.max(floor, scottBandwidth(pa.map((p) => p.x)) || floor);
  const hb = Math.max(floor, scottBandwidth(pb.map((p) => p.x)) || floor);
  const xs = [...pa, ...pb].map((p) => p.x);
  const lo = Math.min(...xs) - 5 * Math.max(ha, hb);
  const hi = Math.max(...xs) + 5 * Math.max(ha, hb);
  const n = 1024;
  const grid = new Float64Array(n);
  for (let i = 0; i < n; i++) grid[i] = lo + ((hi - lo) * i) / (n - 1);
  const da = density(pa, ha, grid);
  const db = density(pb, hb, grid);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.min(da[i]!, db[i]!);
  return Math.min(1, s * ((hi - lo) / (n - 1)));
}

/** Per-piece value lists as weighted points: each piece weighs the same, whatever its note count. */
export function pieceWeighted(
  perPiece: readonly (readonly number[])[],
  f: (v: number) => number = (v) => v,
): Weighted[] {
  const used = perPiece.filter((vs) => vs.length > 0);
  return used.flatMap((vs) => vs.map((v) => ({ x: f(v), w: 1 / vs.length / used.length })));
}

function euclid(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

/**
 * Yang & Lerch's comparison of two sets of pieces by one feature (a vector per piece): the
 * distribution of distances between pieces of the reference set (intra-set) against that of the
 * distances from each generated piece to each reference piece (inter-set), both smoothed by KDE.
 * A high OA means generated pieces sit among the reference pieces as the reference pieces sit
 * among themselves. Null with fewer than three reference pieces (three distances, the least a
 * density can be estimated from) or no generated ones.
 */
export function yangLerchOverlap(
  reference: readonly (readonly number[])[],
  generated: readonly (readonly number[])[],
): { oa: number; intraMean: number; interMean: number } | null {
  if (reference.length < 3 || generated.length === 0) return null;
  const intra: number[] = [];
  for (let i = 0; i < reference.length; i++)
    for (let j = i + 1; j < reference.length; j++) intra.push(euclid(reference[i]!, reference[j]!));
  const inter: number[] = [];
  for (const g of generated) for (const r of reference) inter.push(euclid(g, r));
  const oa = kdeOverlap(intra, inter);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return oa === null ? null : { oa, intraMean: mean(intra), interMean: mean(inter) };
}
