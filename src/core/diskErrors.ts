import { ClaraError } from './errors';

const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const READ_ONLY = new Set([
  'EROFS',
  'SQLITE_READONLY',
  'SQLITE_READONLY_DIRECTORY',
  'SQLITE_CANTOPEN',
  'EACCES',
  'EPERM',
]);

/** The error's system or SQLite code, if it has one. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a failed write that no retry will fix: a full disk or a folder that cannot be written. */
export function isWriteFailure(err: unknown): boolean {
  const code = errorCode(err) ?? '';
  return FULL.has(code) || READ_ONLY.has(code) || code.startsWith('SQLITE_IOERR');
}

/**
 * A full disk or an unwritable folder as one line naming the folder, or the error itself when it is
 * something else.
 */
export function asDiskError(err: unknown, folder: string): unknown {
  if (err instanceof ClaraError) return err;
  const code = errorCode(err) ?? '';
  if (FULL.has(code)) return new ClaraError('the disk is full: free some space and try again', 'disk-full', folder);
  if (code === 'SQLITE_READONLY')
    return new ClaraError(
      'the catalog is open read-only (the disk was full or not writable when it opened): free some space and try again',
      'read-only',
      folder,
    );
  if (READ_ONLY.has(code)) return new ClaraError(`cannot write here (${code})`, 'not-writable', folder);
  if (code.startsWith('SQLITE_IOERR'))
    return new ClaraError(`the disk failed a write (${code}); is it full or gone?`, 'disk-error', folder);
  return err;
}
