import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClaraError } from '../errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Under Electron (the desktop app, or a job it spawns as ELECTRON_RUN_AS_NODE) better-sqlite3 must
 * be the Electron-ABI build in native/electron/; under Node, node_modules' own build. Returns the
 * Electron build's path when it applies, or undefined for the default.
 */
export function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const candidates = [
    process.env.CLARA_SQLITE_BINDING,
    path.resolve(process.cwd(), 'native', 'electron', 'better_sqlite3.node'),
    (process as { resourcesPath?: string }).resourcesPath ? path.join((process as { resourcesPath?: string }).resourcesPath!, 'native', 'better_sqlite3.node') : undefined,
    ...[2, 3, 4].map((up) => path.resolve(__dirnameOf(), ...Array<string>(up).fill('..'), 'native', 'electron', 'better_sqlite3.node')),
  ];
  return candidates.find((c): c is string => Boolean(c && fs.existsSync(c)));
}

function __dirnameOf(): string {
  try {
    return path.dirname(fileURLToPath(import.meta.url));
  } catch {
    return process.cwd();
  }
}

/**
 * Opens (creating if needed) the catalog at `file`, in WAL mode so readers (the studio UI) never
 * wait for a writer (an import or a training run), and brings its schema up to date.
 */
export function openCatalogDb(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    const binding = nativeBinding();
    db = binding ? new Database(file, { nativeBinding: binding }) : new Database(file);
  } catch (err) {
    throw new ClaraError(`cannot open the catalog (${err instanceof Error ? err.message : String(err)})`, 'catalog', file);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, file);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new ClaraError(
      `catalog schema version ${current} is newer than this Clara Studio understands (${MIGRATIONS.length}); update the app`,
      'catalog-version',
      file,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    // Each step commits with its version number, so a crash mid-upgrade leaves a consistent catalog.
    const step = MIGRATIONS[v]!;
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db, file === ':memory:' ? process.cwd() : path.dirname(path.resolve(file)));
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
