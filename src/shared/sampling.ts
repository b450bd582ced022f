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

/**
 * The sampling used when none is asked for: Clara's truncated sampling, which she found best for
 * notewise (top 3, drawn among them 80% of the time, else the top word).
 */
export const DEFAULT_SAMPLING: Readonly<Required<Pick<SamplingOptions, 'temperature' | 'topN' | 'truncProb'>>> =
  Object.freeze({ temperature: 1, topN: 3, truncProb: 0.8 });
