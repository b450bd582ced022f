/**
 * Dynamics in notewise text, as Performance RNN writes them: a word `dN` (N a velocity bin) before
 * a note start whenever the bin changes; notes take the last bin said. (`v` is taken by the solo
 * voice, hence `d`.) Exact at bin resolution: a velocity goes to its bin and comes back as the
 * bin's centre, which falls in the same bin.
 */
export const DYNAMIC = /^d(\d+)$/;

export function velocityBin(velocity: number, bins: number): number {
  const v = Math.min(127, Math.max(1, Math.round(velocity)));
  return Math.min(bins - 1, Math.floor(((v - 1) * bins) / 127));
}

export function binVelocity(bin: number, bins: number): number {
  return Math.round(1 + ((bin + 0.5) * 127) / bins);
}

export function dynamicWords(bins: number): string[] {
  return Array.from({ length: bins }, (_, b) => `d${b}`);
}
