import type { NewPiece } from '../catalog/catalog';
import { encodeSteps } from '../encoding';
import { resolveEncodingOptions, type EncodingName, type EncodingOptions } from '../encoding/options';
import { quantize } from '../encoding/steps';
import { shiftsToMask, validShifts } from '../encoding/transpose';
import type { ParsedPiece } from '../midi/types';

export type EncodingRequest = { encoding: EncodingName; options?: Partial<EncodingOptions> };

/** Facts for each requested encoding: the valid transpositions and how many words the piece makes. */
export function encodingFacts(parsed: ParsedPiece, requests: readonly EncodingRequest[]): NewPiece['encodings'] {
  const cache = new Map<string, ReturnType<typeof quantize>>();
  const withSolo = parsed.notes.some((n) => n.voice === 'v');
  return requests.map(({ encoding, options }) => {
    const o = resolveEncodingOptions(options);
    const cacheKey = `${o.sampleFreq}/${o.rangeLow}/${o.rangeSize}/${o.soloLow}`;
    let steps = cache.get(cacheKey);
    if (!steps) {
      steps = quantize(parsed.notes, parsed.ppq, o);
      cache.set(cacheKey, steps);
    }
    const words = encodeSteps(steps, encoding, o, withSolo);
    const lastStep = steps.reduce((m, n) => Math.max(m, n.start + n.dur), 0);
    return {
      encoding,
      ...o,
      shiftMask: shiftsToMask(validShifts(steps, o)),
      tokenCount: words.length,
      steps: lastStep,
    };
  });
}
