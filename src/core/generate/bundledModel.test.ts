import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/catalog';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { bundledModelDir } from '../corpus/demo';
import { readMidi } from '../midi/read';
import { initBackend } from '../model/backend';
import { readCheckpointMeta } from '../model/checkpoint';
import { generateSamples } from './samples';

let t: TempCatalog;
let home: string;
let catalog: Catalog;
beforeAll(async () => {
  await initBackend('wasm');
  t = await openTempCatalog('bundled');
  ({ home, catalog } = t);
});
afterAll(() => t.dispose());

describe('the pretrained model in models/', () => {
  it('is a notewise piano checkpoint under 20 MB', () => {
    const dir = bundledModelDir();
    expect(dir).not.toBeNull();
    const meta = readCheckpointMeta(dir!);
    expect(meta.encoding).toBe('notewise');
    expect(meta.vocab.some((w) => w.startsWith('v'))).toBe(false);
    const bytes = fs.readdirSync(dir!).reduce((s, f) => s + fs.statSync(path.join(dir!, f)).size, 0);
    expect(bytes).toBeLessThan(20 * 1024 * 1024);
  });

  it('is the default checkpoint before the user has trained one, and makes music with notes', () => {
    const [s] = generateSamples(catalog, home, {
      checkpoint: 'best',
      prompt: { kind: 'none' },
      count: 1,
      seconds: 10,
      sampling: { temperature: 1, topN: 3, truncProb: 0.8 },
      seed: 3,
    });
    expect(s!.runId).toBe('bundled');
    const notes = readMidi(fs.readFileSync(s!.file), { pedal: false }).notes;
    // A trained piano model writes many notes in ten seconds, not a handful.
    expect(notes.length).toBeGreaterThan(20);
  });
});
