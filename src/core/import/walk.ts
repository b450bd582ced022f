import fs from 'node:fs';
import path from 'node:path';
import { isMidiFileName } from '../../shared/midiFiles';
import type { ImportFailure } from '../catalog/types';

export interface FoundFile {
  path: string;
  /** The folder the user named that led to this file, or null for a file named directly. */
  root: string | null;
}

export interface WalkResult {
  files: FoundFile[];
  failed: ImportFailure[];
}

/**
 * Expands folders into the MIDI files below them (sorted, so imports are reproducible). A file named
 * explicitly is taken whatever its extension: the user asked for it, and the parser will say if it
 * is not MIDI. Paths that do not exist are reported, not thrown.
 */
export function collectMidiFiles(inputs: readonly string[]): WalkResult {
  const files = new Map<string, FoundFile>();
  const failed: ImportFailure[] = [];
  const visit = (dir: string, root: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      failed.push({ path: dir, error: `cannot read folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full, root);
      else if (e.isFile() && isMidiFileName(e.name) && !files.has(full)) files.set(full, { path: full, root });
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      failed.push({ path: abs, error: 'no such file or folder' });
      continue;
    }
    if (st.isDirectory()) visit(abs, abs);
    else files.set(abs, { path: abs, root: null });
  }
  return { files: [...files.values()], failed };
}

/**
 * The folder that names a file's composer: the first folder below the imported root
 * ("Chopin/Nocturnes/op9.mid" → "Chopin", as libraries are usually sorted by composer first), the
 * root's own name for files directly in it, and the parent folder for a file named directly.
 */
export function composerFolder(f: FoundFile): string {
  if (f.root) {
    const rel = path.relative(f.root, f.path).split(path.sep);
    return rel.length > 1 ? rel[0]! : path.basename(f.root);
  }
  return path.basename(path.dirname(f.path));
}
