import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_TAIL_S } from '../core/audio/render';
import { wavRms } from '../shared/wav';
import { Catalog } from '../core/catalog/catalog';
import { readMidi } from '../core/midi/read';
import { validateCall, type ApiMethod } from '../shared/api';
import { repo } from '../testing/corpora';
import { makeMidi, Q } from '../testing/makeMidi';
import { checkWav } from '../testing/wavCheck';
import { StudioService } from './service';

const bin = path.join(repo, 'bin', 'clara.mjs');
let dir: string;

function clara(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CLARA_HOME: path.join(dir, 'home') },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-render-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('clara generate --solo and clara render, and the studio renderSample', () => {
  it('generates a cello continuation, renders it with the CLI and through the studio method', async () => {
    const prompt = path.join(dir, 'cello.mid');
    const cello = [43, 47, 50, 55, 53, 52, 50, 48];
    fs.writeFileSync(
      prompt,
      makeMidi([
        { name: 'Piano', program: 0, notes: cello.map((p, i) => [p + 24, i * Q, Q] as [number, number, number]) },
        {
          name: 'Cello',
          program: 42,
          channel: 1,
          notes: cello.map((p, i) => [p, i * Q, Q] as [number, number, number]),
        },
      ]),
    );
    const gen = clara(['generate', '--prompt', prompt, '--include-prompt', '--length', '6s', '-n', '1', '--json']);
    expect(gen.code, gen.stderr).toBe(0);
    const [sample] = (JSON.parse(gen.stdout) as { samples: Array<{ id: number; file: string; solo: string | null }> })
      .samples;
    expect(sample!.solo).toBe('cello');
    const written = readMidi(fs.readFileSync(sample!.file), { pedal: false });
    expect(written.tracks.map((t) => [t.name, t.program])).toEqual([
      ['Piano', 0],
      ['Cello', 42],
    ]);

    const wav = path.join(dir, 'out', 'cello.wav');
    const r = clara(['render', sample!.file, '-o', wav, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { seconds: number; midiSeconds: number; sampleRate: number };
    expect(info.sampleRate).toBe(44_100);
    checkWav(fs.readFileSync(wav), info.midiSeconds, 44_100);
    expect(info.midiSeconds).toBeCloseTo(written.durationSeconds, 0);

    // Bad input: one line naming the file.
    const bad = clara(['render', path.join(dir, 'missing.mid')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toEqual([`clara: ${path.join(dir, 'missing.mid')}: cannot read it (ENOENT)`]);
    const soloBad = clara(['generate', '--solo', 'kazoo', '-n', '1']);
    expect(soloBad.stderr).toMatch(/unknown solo instrument "kazoo"/);

    // The studio renders the same file (and a loop region of it) into the data folder's exports/.
    const catalog = Catalog.open(path.join(dir, 'home'));
    const service = new StudioService(catalog, path.join(dir, 'home'));
    try {
      const call = (m: ApiMethod, p: unknown) => {
        const v = validateCall(m, p);
        return service.call(v.method, v.input) as Promise<{
          name: string;
          file: string;
          seconds: number;
          dataBase64: string;
        }>;
      };
      const whole = await call('renderSample', { id: sample!.id, sampleRate: 22_050 });
      expect(path.dirname(whole.file)).toBe(path.join(dir, 'home', 'exports'));
      expect(whole.name).toMatch(/\.wav$/);
      const bytes = Buffer.from(whole.dataBase64, 'base64');
      expect(bytes.equals(fs.readFileSync(whole.file))).toBe(true);
      checkWav(bytes, info.midiSeconds, 22_050);
      const loop = await call('renderSample', { id: sample!.id, fromS: 0.5, toS: 2.5, sampleRate: 22_050 });
      expect(loop.name).toMatch(/-0\.5-2\.5s\.wav$/);
      expect(loop.seconds).toBeGreaterThan(2 + RELEASE_TAIL_S - 0.2);
      expect(loop.seconds).toBeLessThan(2 + RELEASE_TAIL_S + 0.5);
      expect(wavRms(Buffer.from(loop.dataBase64, 'base64'))).toBeGreaterThan(0.01);
      expect(() => validateCall('renderSample', { id: sample!.id, sampleRate: 5 })).toThrow(
        expect.objectContaining({ code: 'bad-payload' }),
      );
    } finally {
      service.jobs.shutdown();
      catalog.close();
    }
  }, 300_000);
});
