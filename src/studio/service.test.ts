import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCall, type ApiMethod } from '../shared/api';
import { demoCorpus } from '../testing/corpora';
import type { Catalog } from '../core/catalog/catalog';
import { openTempCatalog, type TempCatalog } from '../testing/tempCatalog';
import { StudioService } from './service';

let t: TempCatalog;
let catalog: Catalog;
let service: StudioService;
beforeAll(async () => {
  t = await openTempCatalog('api', [path.join(demoCorpus, 'Chopin')]);
  catalog = t.catalog;
  service = new StudioService(catalog, t.home);
});
afterAll(() => {
  service.jobs.shutdown();
  t.dispose();
});

function call(method: unknown, payload: unknown): Promise<unknown> {
  const v = validateCall(method, payload);
  return service.call(v.method as ApiMethod, v.input);
}
const callSync = (method: unknown, payload: unknown) => validateCall(method, payload);

describe('StudioApi validation', () => {
  it('answers well-formed calls', async () => {
    expect(((await call('listPieces', { search: 'prelude', sort: 'title' })) as unknown[]).length).toBe(3);
    expect(await call('catalogSummary', {})).toMatchObject({
      total: 3,
      composers: [{ composer: 'Frederic Chopin', pieces: 3 }],
    });
    const [p] = (await call('listPieces', {})) as Array<{ id: number }>;
    const notes = (await call('pieceNotes', { id: p!.id })) as { pitch: number[]; start: number[]; seconds: number };
    expect(notes.pitch.length).toBeGreaterThan(100);
    expect(notes.start.every((s, i) => i === 0 || s >= notes.start[i - 1]!)).toBe(true);
  });

  it('rejects malformed payloads with the field named, and changes nothing', () => {
    const before = catalog.countPieces();
    expect(() => callSync('listPieces', { limit: -1 })).toThrow(
      expect.objectContaining({ code: 'bad-payload', message: expect.stringMatching(/^listPieces: limit:/) }),
    );
    expect(() => callSync('listPieces', { sort: 'rowid; DROP TABLE pieces' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/sort/) }),
    );
    expect(() => callSync('listPieces', { path: '/etc/passwd' })).toThrow(
      expect.objectContaining({ code: 'bad-payload' }),
    );
    expect(() => callSync('getPiece', { id: '1 OR 1=1' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^getPiece: id:/) }),
    );
    expect(() => callSync('updatePiece', { id: 1, title: '' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^updatePiece: title:/) }),
    );
    expect(() =>
      callSync('startTraining', { encoding: 'notewise', sampleFreq: 12, preset: 'laptop', until: '7am; rm -rf /' }),
    ).toThrow(expect.objectContaining({ message: expect.stringMatching(/until/) }));
    expect(() =>
      callSync('generate', {
        checkpoint: '../../x',
        prompt: { kind: 'none' },
        seconds: 5,
        temperature: 1,
        topN: 3,
        count: 1,
        seed: 1,
      }),
    ).toThrow(expect.objectContaining({ message: expect.stringMatching(/checkpoint/) }));
    expect(() =>
      callSync('generate', {
        checkpoint: 'best',
        prompt: { kind: 'file', path: '/etc/passwd' },
        seconds: 5,
        temperature: 1,
        topN: 3,
        count: 1,
        seed: 1,
      }),
    ).toThrow(expect.objectContaining({ message: expect.stringMatching(/prompt/) }));
    expect(() => callSync('readFile', { path: '../../etc/passwd' })).toThrow(
      expect.objectContaining({ code: 'bad-method' }),
    );
    expect(() => callSync('__proto__', {})).toThrow(expect.objectContaining({ code: 'bad-method' }));
    expect(() => callSync('constructor', {})).toThrow(expect.objectContaining({ code: 'bad-method' }));
    expect(catalog.countPieces()).toEqual(before);
  });

  it('refuses upload paths that climb out, are absolute or are not MIDI, writing nothing', () => {
    const bad = [
      '../evil.mid',
      'a/../../evil.mid',
      '/etc/evil.mid',
      'C:\\evil.mid',
      'a\\..\\..\\evil.mid',
      'ok/./x.mid',
      'song.exe',
      'a//b.mid',
      'nul\u0000.mid',
    ];
    for (const p of bad)
      expect(() => callSync('uploadFile', { batch: 'abcdefgh-1', path: p, dataBase64: 'TVRoZA==' }), p).toThrow(
        expect.objectContaining({ code: 'bad-payload', message: expect.stringMatching(/^uploadFile: path:/) }),
      );
    expect(() => callSync('uploadFile', { batch: '../../x', path: 'a.mid', dataBase64: 'TVRoZA==' })).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/batch/) }),
    );
    expect(fs.existsSync(path.join(t.home, 'uploads'))).toBe(false);
  });

  it('stores a valid upload inside its batch folder and imports it as a job, reporting a bad file', async () => {
    const good = fs.readFileSync(
      path.join(
        demoCorpus,
        'Bach',
        fs.readdirSync(path.join(demoCorpus, 'Bach')).find((f) => f.endsWith('.mid'))!,
      ),
    );
    await call('uploadFile', { batch: 'test-batch-1', path: 'Bach/one.mid', dataBase64: good.toString('base64') });
    await call('uploadFile', {
      batch: 'test-batch-1',
      path: 'Bach/broken.mid',
      dataBase64: Buffer.from('garbage').toString('base64'),
    });
    expect(fs.existsSync(path.join(t.home, 'uploads', 'test-batch-1', 'Bach', 'one.mid'))).toBe(true);
    const events: string[] = [];
    const off = service.jobs.subscribe((e) => e.type === 'job' && events.push(e.job.status));
    const job = (await call('importUploads', { batch: 'test-batch-1' })) as { id: string };
    await expect.poll(() => service.jobs.list().find((j) => j.id === job.id)?.status, { timeout: 30_000 }).toBe('done');
    off();
    expect(events.at(-1)).toBe('done');
    const record = catalog.listImports(1)[0]!;
    expect(record).toMatchObject({ imported: 1, failed: 1 });
    expect(catalog.importFailures(record.id)[0]!.error).toMatch(/MThd/);
  });

  it('edits and removes pieces with clear errors for unknown ids', async () => {
    const [p] = (await call('listPieces', { search: 'prelude' })) as Array<{ id: number }>;
    expect(await call('updatePiece', { id: p!.id, composer: 'Chopin, F.' })).toMatchObject({ composer: 'Chopin, F.' });
    await expect(call('getPiece', { id: 99999 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(call('removePiece', { id: 99999 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(call('importDialog', {})).rejects.toMatchObject({ code: 'unsupported' });
  });
});

describe('child jobs', () => {
  it('never turn user strings into command-line flags: a composer named like a flag stays a composer', async () => {
    const elsewhere = fs.mkdtempSync(path.join(path.dirname(t.home), 'clara-elsewhere-'));
    fs.rmSync(elsewhere, { recursive: true });
    const job = (await call('startTraining', {
      encoding: 'notewise',
      sampleFreq: 12,
      preset: 'tiny',
      steps: 1,
      composers: [`--data-dir=${elsewhere}`],
    })) as { id: string };
    await expect
      .poll(() => service.jobs.list().find((j) => j.id === job.id)?.status, { timeout: 60_000 })
      .not.toBe('running');
    const info = service.jobs.list().find((j) => j.id === job.id)!;
    // The child read the composer as a composer (none match) instead of as another data folder.
    expect(info.status).toBe('failed');
    expect(`${info.error} ${info.result}`).toMatch(/no training pieces match the selection/);
    expect(fs.existsSync(elsewhere)).toBe(false);
    // The spec file the child read is gone.
    expect(fs.readdirSync(path.join(t.home, 'jobs'))).toEqual([]);
  }, 90_000);
});
