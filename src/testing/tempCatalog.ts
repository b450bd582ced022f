import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../core/catalog/catalog';
import { importPaths } from '../core/import/importer';

export interface TempCatalog {
  home: string;
  catalog: Catalog;
  /** Closes the catalog (if a test has not already) and deletes the folder. */
  dispose(): void;
}

/** A catalog in a fresh temporary data folder, with these folders or files imported. */
export async function openTempCatalog(prefix: string, imports: string[] = []): Promise<TempCatalog> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `clara-${prefix}-`));
  const catalog = Catalog.open(home);
  if (imports.length) await importPaths(catalog, imports);
  return {
    home,
    catalog,
    dispose: () => {
      if (catalog.isOpen) catalog.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
