import type { EncodingName } from './encodings';

/**
 * How words are drawn from the model's predictions. Lives in shared/ so the studio's Generate
 * dialog, the API schema and the CLI flags can all show and default to the same values.
 */
export interface SamplingOptions {
  /** Softmax temperature; 0 always takes the most likely word. */
  temperature: number;
  /** Clara's truncated sampling: with probability `truncProb` draw from the `topN` most likely words, else take the top one. */
  topN?: number;
  truncProb?: number;
  /** Plain top-k and nucleus (top-p) filtering, used when `topN` is not set. */
  topK?: number;
  topP?: number;
}

/** What a user asks for: anything left out is the model's encoding's default (resolveSampling). */
export type SamplingRequest = Partial<SamplingOptions>;

/** Clara's truncated sampling with her generator's own settings: the top word, except half the time a draw among the top 5. */
export const CLARA_TRUNCATION: Readonly<Required<Pick<SamplingOptions, 'topN' | 'truncProb'>>> = Object.freeze({
  topN: 5,
  truncProb: 0.5,
});

/**
 * The sampling used when none is asked for, per encoding, each decided by the music benchmark
 * (mean overlap with the human pieces of five distributions: pitch class, inter-onset interval,
 * note length, notes per onset, polyphony; docs/MUSIC-BENCHMARK.md).
 *
 * Notewise: Clara's truncated sampling. On the shipped model (seed 1, 32 unprompted samples and 7
 * continuations) it overlapped 0.751 against 0.722 for top 3 drawn 80% of the time and 0.732 for
 * top-p 0.95, whose texture was twice as thick as the human pieces' (polyphony 8.1 vs 4.4).
 *
 * Chordwise: the whole distribution. Whether a step has an onset at all is spread over tens of
 * thousands of chord words, so the top few words of a step are nearly always its rest, and any
 * truncation thins the music: on the piano corpus's chordwise model (16 unprompted 30 s samples, 8
 * continuations) the overlap was 0.717 / 0.711 untruncated, 0.696 / 0.668 at top-p 0.98, 0.659 /
 * 0.647 at 0.95, 0.609 / 0.596 at 0.9, 0.541 / 0.509 at top-k 40, and 0.298 / 0.448 for Clara's top
 * 5 at 0.5 (5 notes in 30 s unprompted); cooler (0.8) stalled into rests after a second.
 */
export const DEFAULT_SAMPLING: Readonly<Record<EncodingName, Readonly<SamplingOptions>>> = Object.freeze({
  notewise: Object.freeze({ temperature: 1, ...CLARA_TRUNCATION }),
  chordwise: Object.freeze({ temperature: 1 }),
});

/**
 * The sampling a request means for a model of `encoding`: a rule it names (top-k or top-p, else
 * top-n or its probability, with Clara's values for the part not given), else the encoding's
 * default at the asked temperature.
 */
export function resolveSampling(asked: SamplingRequest, encoding: EncodingName): SamplingOptions {
  const d = DEFAULT_SAMPLING[encoding];
  const temperature = asked.temperature ?? d.temperature;
  if (asked.topK !== undefined || asked.topP !== undefined)
    return {
      temperature,
      ...(asked.topK !== undefined ? { topK: asked.topK } : {}),
      ...(asked.topP !== undefined ? { topP: asked.topP } : {}),
    };
  if (asked.topN !== undefined || asked.truncProb !== undefined)
    return {
      temperature,
      topN: asked.topN ?? CLARA_TRUNCATION.topN,
      truncProb: asked.truncProb ?? CLARA_TRUNCATION.truncProb,
    };
  return { ...d, temperature };
}
