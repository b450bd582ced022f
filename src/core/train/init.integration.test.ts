import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClara, type JsonEvent as Ev } from '../../testing/claraCli';
import { demoCorpus, repo } from '../../testing/corpora';

let home: string;

const clara = (args: string[], env: NodeJS.ProcessEnv = {}) => runClara(home, args, env);

const SHORT = ['--steps', '2', '--eval-every', '2', '--val-tokens', '1500', '--bptt', '24', '--batch', '4', '--json'];

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-init-'));
  expect(clara(['import', demoCorpus, '--json']).code).toBe(0);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('a run that starts from a checkpoint (--init)', () => {
  it('fine-tunes the bundled model: its sizes and vocabulary, and a validation loss a fresh model is far from', () => {
    // Before any run of this data folder, `best` is the bundled model.
    const tuned = clara(['train', '--preset', 'tiny', '--init', 'best', '--lr', '1e-5', ...SHORT]);
    expect(tuned.code, tuned.stderr).toBe(0);
    const fresh = clara(['train', '--preset', 'tiny', ...SHORT]);
    expect(fresh.code, fresh.stderr).toBe(0);
    const start = tuned.events.find((e) => e.type === 'start')!;
    expect(start.notes).toContain('starting from the bundled model (fine-tuning its weights)');
    const bundled = JSON.parse(
      fs.readFileSync(path.join(repo, 'models', 'piano-notewise', 'checkpoint.json'), 'utf8'),
    ) as {
      model: { embSize: number; hiddenSize: number; layers: number };
      vocab: string[];
    };
    const config = start.config as {
      model: { embSize: number; hiddenSize: number; layers: number };
      vocabSize: number;
      initFrom: string;
    };
    expect(config.model).toMatchObject({
      embSize: bundled.model.embSize,
      hiddenSize: bundled.model.hiddenSize,
      layers: bundled.model.layers,
    });
    expect(config.vocabSize).toBe(bundled.vocab.length);
    const valOf = (r: { events: Ev[] }) => r.events.find((e) => e.type === 'eval')!.valLoss as number;
    // Two steps of a fresh tiny model stay near log(vocabulary); the bundled model starts trained.
    expect(valOf(fresh)).toBeGreaterThan(4);
    expect(valOf(tuned)).toBeLessThan(2.8);
  });

  it('refuses a checkpoint of another encoding, naming the option', () => {
    const r = clara(['train', '--preset', 'tiny', '--encoding', 'chordwise', '--init', 'best', ...SHORT]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--init.*notewise model; a chordwise run cannot start from it/);
  });
});
