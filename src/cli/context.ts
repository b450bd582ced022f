import type { Command } from 'commander';
import { Catalog } from '../core/catalog/catalog';
import { defaultDataDir } from '../core/paths';
import { prepareDir } from '../core/userPaths';

/** The data folder every command works in: `--data-dir`, else CLARA_HOME, else the OS user-data folder. */
export function dataDirOf(cmd: Command): string {
  const opts = cmd.optsWithGlobals<{ dataDir?: string }>();
  const dir = opts.dataDir ?? defaultDataDir();
  // Writability is the catalog's to judge: a read-only data folder still opens for reading.
  prepareDir(dir, opts.dataDir !== undefined ? '--data-dir' : process.env.CLARA_HOME ? 'CLARA_HOME' : 'data folder');
  return dir;
}

export async function withCatalog<T>(cmd: Command, fn: (catalog: Catalog) => T | Promise<T>): Promise<T> {
  const catalog = Catalog.open(dataDirOf(cmd));
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}
