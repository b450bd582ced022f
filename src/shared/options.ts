/**
 * Each job's options, defined once: name, type, bounds, default and description. The CLI flags
 * (cli/options.ts `addOptions`), the API payloads (shared/api.ts) and the child's job spec
 * (core/jobs/spec.ts) are all derived from these, so a new option is one edit here plus its use.
 * Lives in shared/ because the renderer validates against it too (shared imports nothing from core).
 */
import { z } from 'zod';
import { DEFAULT_SAMPLE_FREQ, ENCODING_NAMES } from './encodings';
import { CLARA_TRUNCATION, DEFAULT_SAMPLING, type SamplingRequest } from './sampling';
import { SOLO_IDS } from './instruments';

/** How an option appears on the command line, beyond what its name and schema say. */
export type OptionMeta = {
  description: string;
  /** The flag without dashes when it is not the name in kebab case. */
  flag?: string;
  /** A one-letter alias, e.g. `n` for `-n`. */
  short?: string;
  /** The placeholder shown in help: `--steps <n>`. */
  arg?: string;
  /** A list given on the command line as one comma-separated value. */
  list?: boolean;
};

const meta = (m: OptionMeta): OptionMeta => m;
const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** An enum whose error names the bad value and the choices, as a user reads it after the flag. */
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (iss) => `unknown ${what} ${JSON.stringify(iss.input)} (expected ${values.join(', ')})` });

export { ENCODING_NAMES, DEFAULT_SAMPLE_FREQ };
export const PRESET_NAMES = ['tiny', 'laptop', 'clara'] as const;
/** The backends, best first: what `auto` tries in order (core/model/backend.ts loads them). */
export const BACKEND_ORDER = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const;
export const BACKEND_NAMES = ['auto', ...BACKEND_ORDER] as const;

/** "07:00" (the next time the clock shows it) or an ISO date-time; the engine resolves it. */
export const untilOption = z
  .string()
  .regex(/^(\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?Z?)$/, 'is not a time (07:00 or an ISO date)');

const backend = oneOf(BACKEND_NAMES, 'backend')
  .default('auto')
  .meta(meta({ description: `${BACKEND_NAMES.slice(0, -1).join(', ')} or cpu`, arg: 'name' }));

/** A training run's options; the preset supplies what is not given. */
export const trainOptions = z
  .object({
    encoding: oneOf(ENCODING_NAMES, 'encoding')
      .default('notewise')
      .meta(meta({ description: 'notewise or chordwise', arg: 'name' })),
    sampleFreq: int(1, 96)
      .optional()
      .meta(
        meta({
          description: `time steps per quarter note (default ${DEFAULT_SAMPLE_FREQ.notewise} notewise, ${DEFAULT_SAMPLE_FREQ.chordwise} chordwise)`,
          arg: 'n',
        }),
      ),
    preset: oneOf(PRESET_NAMES, 'preset')
      .default('laptop')
      .meta(meta({ description: 'tiny, laptop or clara', arg: 'name' })),
    steps: int(1, 1e9)
      .optional()
      .meta(meta({ description: 'stop after this many steps', arg: 'n' })),
    hours: z
      .number()
      .min(0.0001)
      .max(1000)
      .optional()
      .meta(meta({ description: 'stop after this many hours', arg: 'h' })),
    until: untilOption
      .optional()
      .meta(meta({ description: 'stop at this clock time, e.g. 07:00 or 2026-11-26T07:00', arg: 'time' })),
    composers: z
      .array(z.string().min(1).max(200))
      .max(1000)
      .optional()
      .meta(
        meta({ description: 'only these composers (comma-separated, as in `clara pieces`)', arg: 'list', list: true }),
      ),
    emb: int(2, 4096)
      .optional()
      .meta(meta({ description: 'embedding size', arg: 'n' })),
    hidden: int(2, 8192)
      .optional()
      .meta(meta({ description: 'hidden size', arg: 'n' })),
    layers: int(1, 8)
      .optional()
      .meta(meta({ description: 'LSTM layers', arg: 'n' })),
    bptt: int(2, 2000)
      .optional()
      .meta(meta({ description: 'tokens per window', arg: 'n' })),
    batch: int(1, 1024)
      .optional()
      .meta(meta({ description: 'parallel streams', arg: 'n' })),
    lr: z
      .number()
      .min(1e-6)
      .max(1e9)
      .optional()
      .meta(meta({ description: 'peak learning rate', arg: 'x' })),
    seed: int(0, 2 ** 31)
      .default(1)
      .meta(meta({ description: 'random seed', arg: 'n' })),
    evalEvery: int(1, 1e9)
      .default(200)
      .meta(meta({ description: 'validate every n steps', arg: 'n' })),
    checkpointEverySec: int(1, 1e6)
      .default(300)
      .meta(
        meta({
          description: 'save the latest checkpoint at least every s seconds',
          arg: 's',
          flag: 'checkpoint-every',
        }),
      ),
    valTokens: int(10, 1e8)
      .default(20_000)
      .meta(meta({ description: 'validation tokens per evaluation', arg: 'n' })),
    patience: int(0, 1e6)
      .default(8)
      .meta(meta({ description: 'stop after n validations without improvement (0: never)', arg: 'n' })),
    backend,
    init: z
      .string()
      .regex(/^(\d+|([\w-]+:)?(latest|best))$/, 'is not a checkpoint (id, latest, best or RUN:latest|best)')
      .optional()
      .meta(
        meta({
          description:
            "start from this checkpoint's weights (fine-tune it on the selection), e.g. best: the bundled model before any run",
          arg: 'ref',
        }),
      ),
    workers: int(1, 64)
      .optional()
      .meta(
        meta({
          description: 'data-parallel training threads on CPU backends (default: one per core, up to 8)',
          arg: 'n',
        }),
      ),
  })
  .strict();
export type TrainOptionValues = z.output<typeof trainOptions>;

/** What a resumed run may be given anew: a budget counted from the resume point, and where it runs. */
export const resumeOptions = trainOptions.pick({ steps: true, hours: true, until: true, backend: true, workers: true });

/** A generation's options, apart from the prompt and the length (each shell states those its own way). */
export const generateOptions = z
  .object({
    checkpoint: z
      .string()
      .regex(/^(\d+|([\w-]+:)?(latest|best))$/, 'is not a checkpoint (id, latest, best or RUN:latest|best)')
      .default('best')
      .meta(meta({ description: 'checkpoint id, latest, best, or RUN:latest|best', arg: 'ref' })),
    includePrompt: z
      .boolean()
      .optional()
      .meta(
        meta({ description: 'write the prompt into the new file before the continuation, so it plays in context' }),
      ),
    /** A key such as "D minor" or "F# major" (parsed by the engine, which names the field if it cannot). */
    key: z
      .string()
      .max(20)
      .optional()
      .meta(
        meta({
          description: 'generate in this key, e.g. "D minor" or "F# major" (a prompt is moved into it)',
          arg: 'key',
        }),
      ),
    bpm: z
      .number()
      .min(20)
      .max(400)
      .optional()
      .meta(
        meta({
          description: "tempo to write (default: the prompt's, else the training pieces' typical tempo)",
          arg: 'n',
        }),
      ),
    solo: oneOf(SOLO_IDS, 'solo instrument')
      .optional()
      .meta(
        meta({
          description:
            "the solo part's instrument, e.g. cello, flute, horn (default: the prompt's, else the training pieces' most common, else violin)",
          arg: 'name',
        }),
      ),
    promptWords: int(1, 100_000)
      .default(200)
      .meta(meta({ description: 'words of the prompt to use', arg: 'n' })),
    count: int(1, 256)
      .default(4)
      .meta(meta({ description: 'samples, generated together', arg: 'count', flag: 'n', short: 'n' })),
    temperature: z
      .number()
      .min(0)
      .max(10)
      .optional()
      .meta(
        meta({
          description: `softmax temperature (0: greedy; default ${DEFAULT_SAMPLING.notewise.temperature} for notewise, ${DEFAULT_SAMPLING.chordwise.temperature} for chordwise)`,
          arg: 't',
        }),
      ),
    topN: int(1, 100_000)
      .optional()
      .meta(
        meta({
          description: `Clara's truncated sampling: draw among the top n (${CLARA_TRUNCATION.topN} when only --trunc-prob is given; default for notewise models, which take top ${CLARA_TRUNCATION.topN} at ${CLARA_TRUNCATION.truncProb}; chordwise ones draw from the whole distribution)`,
          arg: 'n',
        }),
      ),
    truncProb: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .meta(
        meta({
          description: `probability of drawing among the top n, else the top word (${CLARA_TRUNCATION.truncProb} when only --top-n is given)`,
          arg: 'p',
        }),
      ),
    topK: int(1, 100_000)
      .optional()
      .meta(meta({ description: 'plain top-k sampling', arg: 'k' })),
    topP: z
      .number()
      .min(0.0001)
      .max(1)
      .optional()
      .meta(meta({ description: 'nucleus sampling', arg: 'p' })),
    seed: int(0, 2 ** 31)
      .default(1)
      .meta(meta({ description: 'random seed: the same seed gives the same music', arg: 's' })),
    backend,
  })
  .strict();
export type GenerateOptionValues = z.output<typeof generateOptions>;

/** The sampling asked for; what is left out the model's encoding decides when it is loaded (resolveSampling). */
export function samplingOf(
  o: Pick<GenerateOptionValues, 'temperature' | 'topN' | 'truncProb' | 'topK' | 'topP'>,
): SamplingRequest {
  const asked: SamplingRequest = {};
  for (const k of ['temperature', 'topN', 'truncProb', 'topK', 'topP'] as const)
    if (o[k] !== undefined) asked[k] = o[k];
  return asked;
}

/**
 * A stored record of options (a run's config) with the ones it lacks filled with their defaults,
 * so a run saved before an option existed resumes with today's default rather than `undefined`.
 */
export function withOptionDefaults<T extends object>(schema: z.ZodObject, stored: T): T {
  const out = { ...stored } as Record<string, unknown>;
  for (const [k, field] of Object.entries(schema.shape)) {
    if (out[k] !== undefined) continue;
    const r = (field as z.ZodType).safeParse(undefined);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out as T;
}
