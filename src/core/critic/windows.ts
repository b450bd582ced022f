import type { Catalog } from '../catalog/catalog';
import type { PieceSummary } from '../catalog/types';
import type { Codec } from '../encoding';
import { generate } from '../generate/generate';
import type { SamplingOptions } from '../generate/sampler';
import { DEFAULT_SAMPLING } from '../../shared/sampling';
import type { AwdLstm } from '../model/awdLstm';
import { CorpusTokens } from '../train/corpusTokens';
import { mulberry32 } from '../train/rng';
import type { Vocab } from '../train/vocab';

/**
 * Windows of `length` token ids from catalog pieces, in random valid keys and at random places,
 * `perPiece` from each (pieces shorter than a window give none). Taken from the encoding the model
 * was trained on, so the encoder reads them as it read its training data.
 */
export function pieceWindows(
  catalog: Catalog,
  pieces: readonly PieceSummary[],
  vocab: Vocab,
  codec: Codec,
  a: { length: number; perPiece: number; seed: number },
): Array<{ pieceId: number; ids: Int32Array }> {
  const tokens = new CorpusTokens(catalog, codec.name, codec.options, 8);
  const rand = mulberry32(a.seed);
  const out: Array<{ pieceId: number; ids: Int32Array }> = [];
  for (const p of pieces) {
    const shifts = tokens.validShifts(p.id);
    if (shifts.length === 0) continue;
    for (let k = 0; k < a.perPiece; k++) {
      const shift = shifts[Math.floor(rand() * shifts.length)]!;
      const ids = tokens.ids({ pieceId: p.id, shift }, vocab);
      if (ids.length < a.length) break;
      const at = Math.floor(rand() * (ids.length - a.length + 1));
      out.push({ pieceId: p.id, ids: ids.slice(at, at + a.length) });
    }
  }
  return out;
}

/**
 * Windows of what the model itself writes, sampled as `clara generate` samples by default. Each
 * sample runs `length` words past a warm-up of the same length, and the window is taken after the
 * warm-up, so the critic cannot tell generated from real by "this is how pieces begin".
 */
export function generatedWindows(
  model: AwdLstm,
  vocab: Vocab,
  codec: Codec,
  a: { length: number; count: number; seed: number; sampling?: SamplingOptions; batch?: number },
  onProgress?: (done: number, total: number) => void,
): Int32Array[] {
  const batch = a.batch ?? 32;
  const sampling = a.sampling ?? DEFAULT_SAMPLING[codec.name];
  const out: Int32Array[] = [];
  for (let at = 0; at < a.count; at += batch) {
    const n = Math.min(batch, a.count - at);
    const samples = generate(model, vocab, codec, {
      count: n,
      tokens: 2 * a.length,
      sampling,
      seed: a.seed + at,
    });
    for (const s of samples) {
      // Only what the model chose: the closing ends the grammar appends would be a tell.
      const ids = vocab.ids(s.words.slice(0, s.tokens));
      if (ids.length >= a.length) out.push(ids.slice(ids.length - a.length));
    }
    onProgress?.(Math.min(at + n, a.count), a.count);
  }
  return out;
}

/** Evenly spaced windows over a whole sequence (a sample to score); one padded window if it is short. */
export function spreadWindows(ids: Int32Array, length: number, max = 8, pad = 2): Int32Array[] {
  if (ids.length <= length) {
    const w = new Int32Array(length).fill(pad);
    w.set(ids, length - ids.length);
    return [w];
  }
  const n = Math.min(max, Math.ceil(ids.length / length));
  const span = ids.length - length;
  return Array.from({ length: n }, (_, i) => {
    const at = n === 1 ? span : Math.round((span * i) / (n - 1));
    return ids.slice(at, at + length);
  });
}
