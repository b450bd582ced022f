import fs from 'node:fs';
import path from 'node:path';

/**
 * Paths the catalog stores for files of its own (checkpoints, samples, classifiers) are relative to
 * the data folder, so a copied or moved data folder refers to its own files and never to the
 * original's. Paths outside it (the bundled model, a sample written with `--out`) stay absolute,
 * and are only ever read: nothing outside the data folder is written or deleted through them.
 */
export class DataPaths {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The form stored in the catalog: relative with '/' inside the data folder, else absolute. */
  toStored(p: string): string {
    const abs = path.resolve(p);
    return this.contains(abs) ? path.relative(this.root, abs).split(path.sep).join('/') : abs;
  }

  /** A stored path back to an absolute one. */
  resolve(stored: string): string {
    return path.isAbsolute(stored) ? stored : path.resolve(this.root, ...stored.split('/'));
  }

  /** True when `p` lies strictly inside the data folder, links resolved where they exist. */
  contains(p: string): boolean {
    const inside = (root: string, q: string): boolean => {
      const rel = path.relative(root, q);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    };
    const abs = path.resolve(p);
    if (!inside(this.root, abs)) return false;
    // A link inside the folder that points out of it must not let a delete escape.
    const real = realOrSelf(abs);
    return inside(realOrSelf(this.root), real);
  }

  /**
   * Deletes a file or folder if, and only if, it is inside the data folder. Returns whether it
   * was removed (false: outside, so left alone).
   */
  removeInside(p: string): boolean {
    if (!this.contains(p)) return false;
    fs.rmSync(p, { recursive: true, force: true });
    return true;
  }
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realOrSelf(p: string): string {
  let head = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...tail.reverse());
    } catch {
      const up = path.dirname(head);
      if (up === head) return p;
      tail.push(path.basename(head));
      head = up;
    }
  }
}

/** Folders of the data-folder layout that the catalog's own files live under. */
const OWN_FOLDERS = ['runs', 'samples', 'classifiers'];

/**
 * For migrating an absolute path written before paths were relative: inside this data folder →
 * relative; a path of another data folder's layout (this one is a copy) whose counterpart exists
 * here → that counterpart, relative; anything else stays as it was.
 */
export function migratePath(paths: DataPaths, stored: string): string {
  if (!path.isAbsolute(stored)) return stored;
  if (paths.contains(stored)) return paths.toStored(stored);
  const parts = stored.split(/[\\/]+/);
  for (let i = parts.length - 2; i >= 0; i--) {
    if (!OWN_FOLDERS.includes(parts[i]!)) continue;
    const rel = parts.slice(i).join('/');
    if (fs.existsSync(paths.resolve(rel))) return rel;
  }
  return stored;
}
