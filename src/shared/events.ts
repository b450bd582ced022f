/**
 * The events a job process reports, one schema per job kind: the child prints them as JSON lines
 * (`clara job SPEC`), the studio parses every line through these schemas, and the renderer
 * receives the parsed values. The TypeScript types are inferred from the schemas, so the trainer,
 * the CLI printer, the studio and the renderer all see one union: renaming a field here fails the
 * type check wherever it is written or read. Stored training metrics are picked from the same
 * events. The renderer imports this module only as types (no zod in its bundle).
 */
import { z } from 'zod';
import { END_CODES } from './runStatus';
import { BACKEND_ORDER } from './options';

/**
 * A measured float. JSON has no NaN or Infinity (JSON.stringify writes null), so null on the wire
 * reads back as NaN: a validation over no windows stays a number instead of dropping the event.
 */
const measure = z.union([z.number(), z.null().transform(() => Number.NaN)]);
const count = z.number().int().min(0);
const runId = z.string().min(1);

const backendChoice = z.enum(BACKEND_ORDER);
/** Which tfjs backend a job runs on and why the better ones were skipped (core/model/backend.ts). */
export const backendReport = z.object({
  requested: z.union([backendChoice, z.literal('auto')]),
  chosen: backendChoice,
  tfBackend: z.string(),
  skipped: z.array(z.object({ backend: backendChoice, reason: z.string() })),
  detail: z.string(),
});

/**
 * The run's configuration as the start event shows it: the fields readers use are checked, the
 * rest (model sizes, optimiser, data selection) travels as it is.
 */
const shownConfig = z.looseObject({
  encoding: z.enum(['notewise', 'chordwise']),
  preset: z.string(),
  budget: z.object({ steps: z.number().nullable(), seconds: z.number().nullable() }),
  vocabSize: count,
});

export const trainStartEvent = z.object({
  type: z.literal('start'),
  runId,
  resumed: z.boolean(),
  fromStep: count,
  backend: backendReport,
  backendText: z.string(),
  config: shownConfig,
  parameters: count,
  trainItems: count,
  trainPieces: count,
  tokensPerEpoch: count,
  valTokens: count,
  /** Data-parallel training threads (this one included). */
  workers: count,
  /** What the user should know about how it started: a fallback checkpoint, a new budget. */
  notes: z.array(z.string()),
});

export const trainStepEvent = z.object({
  type: z.literal('step'),
  runId,
  step: count,
  epoch: count,
  /** Cross-entropy plus the activation regularisers (what the optimiser minimises). */
  loss: measure,
  /** Cross-entropy alone: what the charts show. */
  ce: measure,
  accuracy: measure,
  lr: measure,
  gradNorm: measure,
  tokensPerSec: measure,
  /** Each worker's tokens a second over its share of the step, while it computed. */
  workerTokensPerSec: z.array(measure),
  elapsedS: measure,
  etaS: z.number().nullable(),
  progress: measure,
});

export const trainEvalEvent = z.object({
  type: z.literal('eval'),
  runId,
  step: count,
  epoch: count,
  valLoss: measure,
  valPerplexity: measure,
  valAccuracy: measure,
  best: z.boolean(),
});

export const trainCheckpointEvent = z.object({
  type: z.literal('checkpoint'),
  runId,
  step: count,
  kind: z.enum(['best', 'latest']),
  path: z.string(),
  valLoss: measure.nullable(),
});

/** How the trainer left its run; `code` is the run row's end code (shared/runStatus.ts). */
const endBase = z.object({
  type: z.literal('end'),
  runId,
  reason: z.string(),
  step: count,
  bestValLoss: measure.nullable(),
});
export const trainEndEvent = z.discriminatedUnion('status', [
  endBase.extend({ status: z.literal('finished'), code: z.enum(END_CODES.finished) }),
  endBase.extend({ status: z.literal('stopped'), code: z.enum(END_CODES.stopped) }),
  endBase.extend({ status: z.literal('paused'), code: z.enum(END_CODES.paused) }),
  endBase.extend({ status: z.literal('failed'), code: z.enum(END_CODES.failed) }),
]);

export const trainEvent = z.discriminatedUnion('type', [
  trainStartEvent,
  trainStepEvent,
  trainEvalEvent,
  trainCheckpointEvent,
  trainEndEvent,
]);
export type TrainEvent = z.output<typeof trainEvent>;
/** One kind of training event, by its type (as signal's `ParamsForEvent<T>`). */
export type TrainEventOf<T extends TrainEvent['type']> = Extract<TrainEvent, { type: T }>;

export const generateJobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), phase: z.enum(['generate', 'score']), done: count, total: count }),
  z.object({
    type: z.literal('end'),
    ids: z.array(z.number().int().positive()),
    seconds: measure,
    scoreError: z.string().optional(),
  }),
]);
export type GenerateJobEvent = z.output<typeof generateJobEvent>;

const probability = z.number().nullable();
export const sampleScore = z.object({
  id: z.number().int().positive(),
  criticP: probability,
  criticScore: z.number().nullable(),
  composer: z.string().nullable(),
  composerP: probability,
  composerProbs: z.record(z.string(), z.number()).nullable(),
  novel: z.boolean().nullable(),
  error: z.string().optional(),
});
export const scoreJobEvent = z.object({
  type: z.literal('end'),
  scores: z.array(sampleScore),
  /** exp(E[KL(p(composer|x) ‖ p(composer))]) over the scored samples; null without a composer classifier. */
  inceptionScore: z.number().nullable(),
  critic: z.string().nullable(),
  composer: z.string().nullable(),
});
export type ScoreJobEvent = z.output<typeof scoreJobEvent>;

/** The event schema of each kind of child job. */
export const JOB_EVENTS = { train: trainEvent, generate: generateJobEvent, score: scoreJobEvent } as const;
export type ChildJobKind = keyof typeof JOB_EVENTS;
export type JobEventOf<K extends ChildJobKind> = z.output<(typeof JOB_EVENTS)[K]>;
export type JobEvent = JobEventOf<ChildJobKind>;

/**
 * Checks one event a job printed (already read as JSON) against its kind's schema: the event, or
 * an error naming the event and the field that does not fit the protocol.
 */
export function parseJobEvent<K extends ChildJobKind>(
  kind: K,
  raw: unknown,
): { event: JobEventOf<K> } | { error: string } {
  const r = JOB_EVENTS[kind].safeParse(raw);
  if (r.success) return { event: r.data as JobEventOf<K> };
  const issue = r.error.issues[0]!;
  const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type) : '?';
  return { error: `${kind} event "${type}": ${issue.path.join('.') || 'event'}: ${issue.message}` };
}

/** A training point as stored per run and charted: the step event's fields that are kept. */
export const trainMetric = trainStepEvent.pick({
  step: true,
  loss: true,
  ce: true,
  accuracy: true,
  lr: true,
  tokensPerSec: true,
  elapsedS: true,
});
export type TrainMetric = z.output<typeof trainMetric>;
/** A validation point as stored per run and charted. */
export const evalMetric = trainEvalEvent.pick({ step: true, valLoss: true, valPerplexity: true, valAccuracy: true });
export type EvalMetric = z.output<typeof evalMetric>;

export interface RunMetrics {
  train: TrainMetric[];
  eval: EvalMetric[];
}
