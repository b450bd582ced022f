import { Command } from 'commander';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { trainOptionsOf, trainNewSpec } from '../core/jobs/spec';
import { schemas } from '../shared/api';
import { generateOptions, samplingOf, trainOptions, withOptionDefaults } from '../shared/options';
import { addOptions, optionValues } from './options';

/** Parses argv with the flags derived from a schema, as `clara train` and `clara generate` do. */
function parse<S extends typeof trainOptions | typeof generateOptions>(schema: S, argv: string[]) {
  const cmd = addOptions(new Command().exitOverride().configureOutput({ writeErr: () => undefined }), schema);
  cmd.parse(argv, { from: 'user' });
  return optionValues(schema, cmd.opts()) as z.output<S>;
}

describe('one option schema', () => {
  it('derives the CLI flags: kebab names, defaults, lists and aliases', () => {
    const o = parse(trainOptions, ['--eval-every', '5', '--checkpoint-every', '9', '--composers', 'Bach, Chopin,']);
    expect(o).toMatchObject({ encoding: 'notewise', preset: 'laptop', seed: 1, patience: 8 });
    // Steps per quarter default by encoding once the encoding is known (trainOptionsOf).
    expect(o.sampleFreq).toBeUndefined();
    expect(trainOptionsOf(o).encodingOptions).toMatchObject({ sampleFreq: 12 });
    expect(o).toMatchObject({ evalEvery: 5, checkpointEverySec: 9, composers: ['Bach', 'Chopin'] });
    const g = parse(generateOptions, ['-n', '2', '--top-k', '5', '--include-prompt']);
    expect(g).toMatchObject({ count: 2, topK: 5, includePrompt: true, checkpoint: 'best', promptWords: 200 });
    expect(samplingOf(g)).toEqual({ topK: 5 });
    // Nothing asked: the checkpoint's encoding decides when it is loaded (resolveSampling).
    expect(samplingOf(parse(generateOptions, []))).toEqual({});
    expect(samplingOf(parse(generateOptions, ['--temperature', '0.9', '--top-n', '3']))).toEqual({
      temperature: 0.9,
      topN: 3,
    });
  });

  it('refuses a bad value in one line naming the flag', () => {
    expect(() => parse(trainOptions, ['--steps', '-1'])).toThrow(/--steps must be an integer from 1 to 1000000000\.$/);
    expect(() => parse(generateOptions, ['-n', '0'])).toThrow(/-n must be an integer from 1 to 256\.$/);
    expect(() => parse(trainOptions, ['--preset', 'nope'])).toThrow(
      /^--preset: unknown preset "nope" \(expected tiny, laptop, clara\)$/,
    );
    expect(() => parse(generateOptions, ['--checkpoint', '../x'])).toThrow(/^--checkpoint: is not a checkpoint/);
  });

  it('gives the API payload and the child spec the same fields and defaults', () => {
    const payload = schemas.startTraining.parse({ encoding: 'chordwise', preset: 'tiny', emb: 16, bptt: 40 });
    const spec = trainNewSpec.parse({ ...payload, kind: 'train' });
    const { kind: _kind, ...o } = spec;
    expect(trainOptionsOf(o)).toMatchObject({
      encoding: 'chordwise',
      preset: 'tiny',
      overrides: { embSize: 16, bptt: 40 },
      encodingOptions: { sampleFreq: 4 },
      evalEvery: 200,
      checkpointEverySec: 300,
      valTokens: 20_000,
      patience: 8,
      backend: 'auto',
    });
    expect(Object.keys(trainOptionsOf(o).overrides!)).toEqual(['embSize', 'bptt']);
    expect(() => schemas.startTraining.parse({ preset: 'tiny', seed: -1 })).toThrow(/seed/);
  });

  it('fills the options an old stored run lacks with their defaults, keeping what it has', () => {
    const old = { encoding: 'notewise', seed: 7, evalEvery: 50 };
    expect(withOptionDefaults(trainOptions.pick({ seed: true, evalEvery: true, patience: true }), old)).toEqual({
      encoding: 'notewise',
      seed: 7,
      evalEvery: 50,
      patience: 8,
    });
  });
});
