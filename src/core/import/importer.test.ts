import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bigPianoMidi } from '../../testing/bigMidi';
import { demoCorpus } from '../../testing/corpora';
import { makeMidi, Q } from '../../testing/makeMidi';
import { Catalog } from '../catalog/catalog';
import { MAX_FILE_BYTES } from '../midi/parse';
import { importPaths } from './importer';
import { splitForHash } from './split';

let dir: string;
let catalog: Catalog;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-import-'));
  catalog = Catalog.open(path.join(dir, 'data'));
});
afterEach(() => {
  catalog.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, 'lib', rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

const good = (pitch: number) =>
  makeMidi([
    {
      name: 'Piano right',
      notes: [
        [pitch, 0, Q],
        [pitch + 4, Q, Q],
        [pitch + 7, 2 * Q, 2 * Q],
      ],
    },
  ]);

describe('import', () => {
  it('reports every kind of bad file with its path and reason, and imports the good ones of the same run', async () => {
    write('Satie/gnossienne.mid', good(60));
    write('Satie/bad/truncated.mid', good(62).subarray(0, 40));
    write('Satie/bad/empty.mid', new Uint8Array(0));
    write('Satie/bad/notmidi.mid', 'This is a text file, not music.');
    write('Satie/bad/header-only.mid', good(62).subarray(0, 14));
    write('Satie/bad/silent.mid', makeMidi([{ name: 'nothing', notes: [] }]));
    write('Satie/bad/drums.mid', makeMidi([{ channel: 9, notes: [[36, 0, Q]] }]));
    write('Satie/readme.txt', 'not a .mid: skipped when walking folders');
    const r = await importPaths(catalog, [path.join(dir, 'lib'), path.join(dir, 'missing-folder')]);
    expect(r.imported).toBe(1);
    const reasons = Object.fromEntries(r.failed.map((f) => [path.basename(f.path), f.error]));
    expect(reasons).toEqual({
      'missing-folder': 'no such file or folder',
      'drums.mid': expect.stringMatching(/drums only/),
      'empty.mid': expect.stringMatching(/empty file/),
      'header-only.mid': expect.stringMatching(/header only/),
      'notmidi.mid': expect.stringMatching(/not a MIDI file/),
      'silent.mid': expect.stringMatching(/no notes/),
      'truncated.mid': expect.stringMatching(/truncated/),
    });
    expect(catalog.importFailures(r.importId)).toHaveLength(7);
    const [piece] = catalog.listPieces();
    expect(piece).toMatchObject({
      composer: 'Satie',
      composerSource: 'folder',
      title: 'gnossienne',
      ensemble: 'piano',
      noteCount: 3,
    });
    expect(catalog.listImports()[0]).toMatchObject({ status: 'done', imported: 1, failed: 7 });
  });

  it('is idempotent, recognises a moved file, and tells a second copy apart', async () => {
    const a = write('A/one.mid', good(60));
    write('A/two.mid', good(50));
    const first = await importPaths(catalog, [path.join(dir, 'lib')]);
    expect(first.imported).toBe(2);
    const again = await importPaths(catalog, [path.join(dir, 'lib')]);
    expect([again.imported, again.unchanged]).toEqual([0, 2]);

    const moved = path.join(dir, 'lib', 'B', 'renamed.mid');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(a, moved);
    const afterMove = await importPaths(catalog, [moved]);
    expect(afterMove.moved).toBe(1);
    expect(catalog.listPieces().map((p) => p.path)).toContain(moved);

    const copy = write('C/copy.mid', good(50));
    const dup = await importPaths(catalog, [copy]);
    expect(dup.duplicate).toBe(1);
    expect(dup.results[0]!.duplicateOf).toMatch(/two\.mid$/);
    expect(catalog.countPieces().total).toBe(2);
  });

  it('takes the composer from --composer, else the metadata, else the first folder under the import root', async () => {
    write('Chopin/Nocturnes/op9.mid', good(60));
    write(
      'loose.mid',
      makeMidi([{ notes: [[60, 0, Q]] }, { name: 'Chopin: Valse', notes: [] }], { text: ['Frederic Chopin'] }),
    );
    await importPaths(catalog, [path.join(dir, 'lib')]);
    // Metadata and folder agree on the surname: one composer, under the fuller name.
    expect(catalog.composers()).toEqual([{ composer: 'Frederic Chopin', pieces: 2 }]);
    const flagged = write('x/flagged.mid', good(40));
    await importPaths(catalog, [flagged], { composer: 'Erik Satie' });
    expect(catalog.listPieces({ composer: 'Erik Satie' })).toHaveLength(1);
  });

  it('records valid transpositions per encoding, derived rather than stored as copies', async () => {
    const file = write(
      'x/high.mid',
      makeMidi([
        {
          notes: [
            [33, 0, Q],
            [92, Q, Q],
          ],
        },
      ]),
    );
    await importPaths(catalog, [file]);
    const p = catalog.getPiece(catalog.listPieces()[0]!.id);
    expect(p.encodings.map((e) => e.encoding).sort()).toEqual(['chordwise', 'notewise']);
    for (const e of p.encodings) expect(e.validShifts).toEqual([0, 1, 2]);
    expect(p.encodings.find((e) => e.encoding === 'notewise')!.tokenCount).toBe(9); // d12 p0 wait11 endp0 wait1 p59 wait11 endp59 wait1 (one dynamics word: both notes are equally loud)
  });

  it('splits by piece, deterministically from the content hash, about 10% to test', async () => {
    const r = await importPaths(catalog, [demoCorpus]);
    expect(r.imported).toBe(36);
    for (const p of catalog.listPieces()) expect(p.split).toBe(splitForHash(p.hash));
    const hashes = Array.from({ length: 2000 }, (_, i) => crypto.createHash('sha256').update(String(i)).digest('hex'));
    const test = hashes.filter((h) => splitForHash(h) === 'test').length / hashes.length;
    expect(test).toBeGreaterThan(0.08);
    expect(test).toBeLessThan(0.12);
  });

  it('can be cancelled between files, keeping what it imported', async () => {
    for (let i = 0; i < 5; i++) write(`x/${i}.mid`, good(50 + i));
    const abort = new AbortController();
    const r = await importPaths(catalog, [path.join(dir, 'lib')], {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.done === 2) abort.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(catalog.countPieces().total).toBe(2);
    expect(catalog.listImports()[0]!.status).toBe('cancelled');
  });
});

describe('import safety', () => {
  it('reports a file over the size cap as failed, without reading it, and imports the rest', async () => {
    write('x/good.mid', good(60));
    const huge = write('x/huge.mid', good(62));
    fs.truncateSync(huge, MAX_FILE_BYTES + 1); // sparse: no 16 MB written
    const r = await importPaths(catalog, [path.join(dir, 'lib')]);
    expect(r.imported).toBe(1);
    expect(r.failed).toEqual([{ path: huge, error: 'too large for a MIDI score: 16.0 MB (limit 16 MB)' }]);
  });

  it('parses in a worker thread with the same result as inline, and cancels within a file', async () => {
    write('Satie/gnossienne.mid', good(60));
    write('Satie/bad.mid', 'not music');
    const inWorker = await importPaths(catalog, [path.join(dir, 'lib')], { worker: true });
    expect(inWorker.imported).toBe(1);
    expect(inWorker.failed[0]!.error).toMatch(/^not a MIDI file/);
    const viaWorker = catalog.getPiece(inWorker.results.find((x) => x.status === 'imported')!.pieceId!);

    const other = Catalog.open(path.join(dir, 'data-inline'));
    try {
      const inline = await importPaths(other, [path.join(dir, 'lib')]);
      const inlinePiece = other.getPiece(inline.results.find((x) => x.status === 'imported')!.pieceId!);
      expect({ ...viaWorker, importedAt: '', updatedAt: '' }).toEqual({
        ...inlinePiece,
        importedAt: '',
        updatedAt: '',
      });
      expect(catalog.pieceNotes(viaWorker.id)).toEqual(other.pieceNotes(inlinePiece.id));
    } finally {
      other.close();
    }

    // A 200k-note file is cut short mid-parse: the import ends at once, cancelled, the file absent.
    write('big/huge.mid', bigPianoMidi(200_000));
    const abort = new AbortController();
    const t0 = performance.now();
    setTimeout(() => abort.abort(), 50);
    const r = await importPaths(catalog, [path.join(dir, 'lib', 'big')], { worker: true, signal: abort.signal });
    expect(r.cancelled).toBe(true);
    expect(r.imported).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(catalog.listImports(1)[0]).toMatchObject({ status: 'cancelled', imported: 0 });
  });
});

describe('import liveness', () => {
  it('a catalog opened while an import runs leaves that import running', async () => {
    for (let i = 0; i < 3; i++) write(`x/${i}.mid`, good(50 + i));
    let seen: string | undefined;
    await importPaths(catalog, [path.join(dir, 'lib')], {
      onProgress: (p) => {
        if (p.done !== 2) return;
        const second = Catalog.open(path.join(dir, 'data'));
        seen = second.listImports(1)[0]!.status;
        second.close();
      },
    });
    expect(seen).toBe('running');
    expect(catalog.listImports(1)[0]).toMatchObject({ status: 'done', imported: 3 });
  });

  it('an import whose process died reads as interrupted, with the pieces it committed counted', async () => {
    for (let i = 0; i < 4; i++) write(`x/${i}.mid`, good(50 + i));
    // A child process imports and is killed (SIGKILL, no clean-up) after committing two pieces.
    const script = `
      import { Catalog } from ${JSON.stringify(path.resolve('src/core/catalog/catalog.ts'))};
      import { importPaths } from ${JSON.stringify(path.resolve('src/core/import/importer.ts'))};
      const catalog = Catalog.open(process.argv[2]);
      await importPaths(catalog, [process.argv[3]], { onProgress: (p) => { if (p.done === 2) process.kill(process.pid, 'SIGKILL'); } });
    `;
    const file = path.join(dir, 'kill.mts');
    fs.writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file, path.join(dir, 'data'), path.join(dir, 'lib')], {
      encoding: 'utf8',
    });
    expect(r.signal).toBe('SIGKILL');
    // The catalog of this test was open all along: a fresh open decides.
    const reopened = Catalog.open(path.join(dir, 'data'));
    try {
      expect(reopened.countPieces().total).toBe(2);
      expect(reopened.listImports(1)[0]).toMatchObject({ status: 'interrupted', imported: 2 });
    } finally {
      reopened.close();
    }
  });
});
