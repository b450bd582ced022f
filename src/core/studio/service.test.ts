import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCall, type ApiMethod } from '../../shared/api';
import { demoCorpus } from '../../testing/corpora';
import type { Catalog } from '../catalog/catalog';
import { openTempCatalog, type TempCatalog } from '../../testing/tempCatalog';
import { StudioService } from './service';

let t: TempCatalog;
let catalog: Catalog;
let service: StudioService;
beforeAll(async () => {
  t = await openTempCatalog('api', [path.join(demoCorpus, 'Chopin')]);
  catalog = t.catalog;
  service = new StudioService(catalog, t.home);
});
afterAll(() => t.dispose());

function call(method: unknown, payload: unknown): unknown {
  const v = validateCall(method, payload);
  return service.call(v.method as ApiMethod, v.input);
}

describe('StudioApi validation', () => {
  it('answers well-formed calls', () => {
    expect((call('listPieces', { search: 'prelude', sort: 'title' }) as unknown[]).length).toBe(3);
    expect(call('catalogSummary', {})).toMatchObject({ total: 3, composers: [{ composer: 'Frederic Chopin', pieces: 3 }] });
  });

  it('rejects malformed payloads with the field named, and changes nothing', () => {
    const before = catalog.countPieces();
    expect(() => call('listPieces', { limit: -1 })).toThrow(expect.objectContaining({ code: 'bad-payload', message: expect.stringMatching(/^listPieces: limit:/) }));
    expect(() => call('listPieces', { sort: 'rowid; DROP TABLE pieces' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/sort/) }));
    expect(() => call('listPieces', { path: '/etc/passwd' })).toThrow(expect.objectContaining({ code: 'bad-payload' }));
    expect(() => call('getPiece', { id: '1 OR 1=1' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/^getPiece: id:/) }));
    expect(() => call('readFile', { path: '../../etc/passwd' })).toThrow(expect.objectContaining({ code: 'bad-method' }));
    expect(() => call('__proto__', {})).toThrow(expect.objectContaining({ code: 'bad-method' }));
    expect(catalog.countPieces()).toEqual(before);
  });
});
