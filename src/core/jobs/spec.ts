import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClaraError } from '../errors';

/**
 * What a child job is asked to do, as one validated JSON document. The studio never builds a
 * child's command line from user strings (a composer named "--data-dir=…" would become a flag):
 * it writes a spec file inside the data folder and the child reads it back through this schema.
 */
const backend = z.enum(['auto', 'node-gpu', 'node', 'wasm', 'cpu']).default('auto');
const until = z.string().datetime({ offset: true });

export const trainNewSpec = z
  .object({
    kind: z.literal('train'),
    encoding: z.enum(['notewise', 'chordwise']),
    sampleFreq: z.number().int().min(1).max(96),
    preset: z.enum(['tiny', 'laptop', 'clara']),
    overrides: z
      .object({
        embSize: z.number().int().min(2).max(4096),
        hiddenSize: z.number().int().min(2).max(8192),
        layers: z.number().int().min(1).max(8),
      })
      .partial()
      .strict()
      .default({}),
    steps: z.number().int().positive().max(1e9).optional(),
    hours: z.number().positive().max(1000).optional(),
    until: until.optional(),
    composers: z.array(z.string().min(1).max(200)).max(1000).optional(),
    evalEvery: z.number().int().min(1).max(1e6).optional(),
    valTokens: z.number().int().min(10).max(1e8).optional(),
    backend,
  })
  .strict();

export const trainResumeSpec = z
  .object({
    kind: z.literal('resume'),
    runId: z.string().regex(/^[\w-]{1,64}$/),
    steps: z.number().int().positive().max(1e9).optional(),
    hours: z.number().positive().max(1000).optional(),
    until: until.optional(),
    backend,
  })
  .strict();

export const generateSpec = z
  .object({
    kind: z.literal('generate'),
    checkpoint: z.string().regex(/^(\d+|([\w-]+:)?(latest|best))$/),
    prompt: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }).strict(),
      z.object({ kind: z.literal('piece'), pieceId: z.number().int().positive() }).strict(),
      // Already resolved by the studio to a file it stored inside the data folder.
      z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096) }).strict(),
      z.object({ kind: z.literal('sample'), sampleId: z.number().int().positive() }).strict(),
    ]),
    key: z
      .object({ tonic: z.number().int().min(0).max(11), mode: z.enum(['major', 'minor']) })
      .strict()
      .optional(),
    bpm: z.number().min(20).max(400).optional(),
    includePrompt: z.boolean().optional(),
    seconds: z.number().min(1).max(3600),
    count: z.number().int().min(1).max(256),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    sampling: z
      .object({
        temperature: z.number().min(0).max(10),
        topN: z.number().int().min(1).max(100_000).optional(),
        truncProb: z.number().min(0).max(1).optional(),
        topK: z.number().int().min(1).max(100_000).optional(),
        topP: z.number().gt(0).max(1).optional(),
      })
      .strict(),
    score: z.boolean().default(true),
    backend,
  })
  .strict();

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
