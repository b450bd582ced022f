import type { Command } from 'commander';
import { Catalog } from '../core/catalog/catalog';
import { defaultDataDir } from '../core/paths';

/** The data folder every command works in: `--data-dir`, else CLARA_HOME, else the OS user-data folder. */
export function dataDirOf(cmd: Command): string {
  const opts = cmd.optsWithGlobals<{ dataDir?: string }>();
  return opts.dataDir ?? defaultDataDir();
}

export async function withCatalog<T>(cmd: Command, fn: (catalog: Catalog) => T | Promise<T>): Promise<T> {
  const catalog = Catalog.open(dataDirOf(cmd));
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}
