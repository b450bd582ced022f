import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoCorpus } from '../../testing/corpora';
import { ClaraError } from '../errors';
import { importPaths } from '../import/importer';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { Catalog } from './catalog';
import { schemaVersion } from './db';
import { MIGRATIONS } from './migrations';

let t: TempCatalog;
let dir: string;
let catalog: Catalog;
beforeEach(async () => {
  t = await openTempCatalog('catalog', [demoCorpus]);
  ({ home: dir, catalog } = t);
});
afterEach(() => t.dispose());

describe('catalog', () => {
  it('is SQLite in WAL mode at the current schema version', () => {
    expect(Catalog.internalDb(catalog).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(Catalog.internalDb(catalog))).toBe(MIGRATIONS.length);
  });

  it('searches by words in any order, filters and sorts', () => {
    expect(catalog.listPieces({ search: 'bwv 846 bach' }).map((p) => p.title)).toEqual([
      'Prelude & Fugue in C major, BWV 846',
    ]);
    expect(catalog.listPieces({ search: '100%_' })).toEqual([]);
    const byNotes = catalog.listPieces({ sort: 'notes', descending: true });
    expect(byNotes[0]!.noteCount).toBeGreaterThanOrEqual(byNotes.at(-1)!.noteCount);
    expect(catalog.listPieces({ composer: 'Frederic Chopin' })).toHaveLength(3);
    const test = catalog.listPieces({ split: 'test' });
    expect(test.length).toBeGreaterThan(0);
    expect(test.every((p) => p.split === 'test')).toBe(true);
    expect(catalog.listPieces({ limit: 5, offset: 5 })).toHaveLength(5);
  });

  it('keeps notes so that pieces can be encoded without their files', () => {
    const id = catalog.listPieces()[0]!.id;
    const { notes, ppq } = catalog.pieceNotes(id);
    expect(ppq).toBe(480);
    expect(notes.length).toBe(catalog.getPiece(id).noteCount);
    expect(notes.every((n) => n.end >= n.start && n.voice === 'p')).toBe(true);
  });

  it('edits composer and title, and a user-set composer survives a re-import with metadata', async () => {
    const id = catalog.listPieces({ search: 'BWV 846' })[0]!.id;
    const edited = catalog.updatePiece(id, { composer: 'J. S. Bach', title: 'WTC I: C major' });
    expect(edited).toMatchObject({ composer: 'J. S. Bach', composerSource: 'user', title: 'WTC I: C major' });
    await importPaths(catalog, [demoCorpus], { composer: 'Someone Else' });
    expect(catalog.getPiece(id).composer).toBe('J. S. Bach');
    expect(() => catalog.updatePiece(id, { title: '  ' })).toThrow(/title: must not be empty/);
  });

  it('removes a piece and everything of it, leaving its file alone', () => {
    const p = catalog.listPieces()[0]!;
    catalog.removePiece(p.id);
    expect(() => catalog.getPiece(p.id)).toThrow(ClaraError);
    expect(fs.existsSync(p.path)).toBe(true);
    for (const table of ['tracks', 'piece_notes', 'piece_encodings']) {
      expect(
        Catalog.internalDb(catalog).prepare(`SELECT count(*) AS c FROM ${table} WHERE piece_id = ?`).get(p.id),
      ).toEqual({ c: 0 });
    }
  });

  it('refuses a catalog from a newer version instead of damaging it', () => {
    Catalog.internalDb(catalog).pragma(`user_version = ${MIGRATIONS.length + 1}`);
    catalog.close();
    expect(() => Catalog.open(dir)).toThrow(/newer than this Clara Studio understands/);
  });
});
