import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClaraError } from '../errors';
import { resolveEncodingOptions } from '../encoding/options';
import type { Preset } from '../model/presets';
import type { TrainOptions } from '../train/trainer';
import {
  DEFAULT_SAMPLE_FREQ,
  generateOptions,
  resumeOptions,
  trainOptions,
  type TrainOptionValues,
} from '../../shared/options';

/**
 * What a child job is asked to do, as one validated JSON document. The studio never builds a
 * child's command line from user strings (a composer named "--data-dir=…" would become a flag):
 * it writes a spec file inside the data folder and the child reads it back through this schema.
 * Each spec is its job's options (shared/options.ts) plus what only the child needs resolved.
 */
const until = z.string().datetime({ offset: true });

/** A new run: the training options (shared/options.ts), with `until` already resolved to an instant. */
export const trainNewSpec = trainOptions.extend({ kind: z.literal('train'), until: until.optional() }).strict();

export const trainResumeSpec = resumeOptions
  .extend({ kind: z.literal('resume'), runId: z.string().regex(/^[\w-]{1,64}$/), until: until.optional() })
  .strict();

export const generateSpec = generateOptions
  .extend({
    kind: z.literal('generate'),
    prompt: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }).strict(),
      z.object({ kind: z.literal('piece'), pieceId: z.number().int().positive() }).strict(),
      // Already resolved by the studio to a file it stored inside the data folder.
      z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096) }).strict(),
      z.object({ kind: z.literal('sample'), sampleId: z.number().int().positive() }).strict(),
    ]),
    // Parsed by the studio, which names the field when it cannot.
    key: z
      .object({ tonic: z.number().int().min(0).max(11), mode: z.enum(['major', 'minor']) })
      .strict()
      .optional(),
    seconds: z.number().min(1).max(3600),
    score: z.boolean().default(true),
  })
  .strict();

/**
 * The trainer's options from the shared ones: the preset overrides and the encoding options
 * regrouped, everything else passed through by name, so a new option needs no edit here.
 */
export function trainOptionsOf(o: Omit<TrainOptionValues, 'until'> & { until?: string }): TrainOptions {
  const { emb, hidden, layers, bptt, batch, lr, sampleFreq, ...rest } = o;
  const overrides: Partial<Preset> = {};
  for (const [k, v] of [
    ['embSize', emb],
    ['hiddenSize', hidden],
    ['layers', layers],
    ['bptt', bptt],
    ['batchSize', batch],
    ['lr', lr],
  ] as const)
    if (v !== undefined) overrides[k] = v;
  return {
    ...rest,
    overrides,
    encodingOptions: resolveEncodingOptions({ sampleFreq: sampleFreq ?? DEFAULT_SAMPLE_FREQ[rest.encoding] }),
  };
}

export const scoreSpec = z
  .object({ kind: z.literal('score'), ids: z.array(z.number().int().positive()).max(10_000) })
  .strict();

export const jobSpec = z.discriminatedUnion('kind', [trainNewSpec, trainResumeSpec, generateSpec, scoreSpec]);
export type JobSpec = z.input<typeof jobSpec>;
export type ParsedJobSpec = z.output<typeof jobSpec>;

/** Writes a spec for a child job into the data folder's jobs/ folder; returns its path. */
export function writeJobSpec(dataDir: string, spec: JobSpec): string {
  const parsed = jobSpec.parse(spec);
  const dir = path.join(dataDir, 'jobs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.json`);
  fs.writeFileSync(file, JSON.stringify(parsed), { mode: 0o600 });
  return file;
}

/** Reads and validates a spec file; any fault is one line naming the file and the field. */
export function readJobSpec(file: string): ParsedJobSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ClaraError(
      `cannot read the job spec (${err instanceof Error ? err.message : String(err)})`,
      'bad-job',
      file,
    );
  }
  const r = jobSpec.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ClaraError(`${issue.path.join('.') || 'spec'}: ${issue.message}`, 'bad-job', file);
  }
  return r.data;
}
