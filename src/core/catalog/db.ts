import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asDiskError, isWriteFailure } from '../diskErrors';
import { ClaraError } from '../errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Under Electron (the desktop app, or a job it runs in a utility process) better-sqlite3 must
 * be the Electron-ABI build in native/electron/; under Node, node_modules' own build. Returns the
 * Electron build's path when it applies, or undefined for the default.
 */
export function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const candidates = [
    process.env.CLARA_SQLITE_BINDING,
    path.resolve(process.cwd(), 'native', 'electron', 'better_sqlite3.node'),
    (process as { resourcesPath?: string }).resourcesPath
      ? path.join((process as { resourcesPath?: string }).resourcesPath!, 'native', 'better_sqlite3.node')
      : undefined,
    ...[2, 3, 4].map((up) =>
      path.resolve(__dirnameOf(), ...Array<string>(up).fill('..'), 'native', 'electron', 'better_sqlite3.node'),
    ),
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
 * wait for a writer (an import or a training run), and brings its schema up to date. When the disk
 * refuses writes (full, read-only) an existing catalog still opens, read-only, from a snapshot of
 * its file, so listing and playing keep working; any write then fails with one clear line.
 */
export function openCatalogDb(file: string): Db {
  const folder = file === ':memory:' ? file : path.dirname(path.resolve(file));
  try {
    return openWritable(file);
  } catch (err) {
    if (file === ':memory:' || !isWriteFailure(err) || !(fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0))
      throw asCatalogError(err, file, folder);
    const db = openSnapshot(file, folder);
    if (schemaVersion(db) !== MIGRATIONS.length) {
      db.close();
      throw new ClaraError(
        'the catalog needs an upgrade, which needs to write: the disk is full or not writable',
        'disk-full',
        folder,
      );
    }
    return db;
  }
}

function openWritable(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const binding = nativeBinding();
  const db = binding ? new Database(file, { nativeBinding: binding }) : new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * A read-only in-memory copy of the catalog file. WAL mode needs its shared-memory file, which a
 * full disk cannot give, so the copy is marked as a rollback-journal database (header bytes 18-19)
 * before it is opened. Commits still in the WAL are not seen, which is why this is only a fallback.
 */
function openSnapshot(file: string, folder: string): Db {
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.length >= 20) bytes[18] = bytes[19] = 1;
    const binding = nativeBinding();
    const db = binding
      ? new Database(bytes, { readonly: true, nativeBinding: binding })
      : new Database(bytes, { readonly: true });
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    throw asCatalogError(err, file, folder);
  }
}

function asCatalogError(err: unknown, file: string, folder: string): unknown {
  if (err instanceof ClaraError) return err;
  const disk = asDiskError(err, folder);
  if (disk !== err) return disk;
  return new ClaraError(
    `cannot open the catalog (${err instanceof Error ? err.message : String(err)})`,
    'catalog',
    file,
  );
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
