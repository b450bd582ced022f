import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findBundled(kind: 'resources' | 'models', name: string, marker: string): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    kind === 'resources' && process.env.CLARA_RESOURCES ? path.join(process.env.CLARA_RESOURCES, name) : '',
    path.resolve(here, '../../..', kind, name),
    path.resolve(here, '../..', kind, name),
    path.resolve(here, '..', kind, name),
    packaged ? path.join(packaged, name) : '',
  ].filter(Boolean);
  return candidates.find((c) => fs.existsSync(path.join(c, marker))) ?? null;
}

/** The pretrained notewise piano model shipped in models/, or null where it is not installed. */
export function bundledModelDir(): string | null {
  return findBundled('models', 'piano-notewise', 'checkpoint.json');
}

/** A classifier shipped in models/ (piano-notewise-critic, piano-notewise-composer), or null. */
export function bundledClassifierDir(name: string): string | null {
  return findBundled('models', name, 'classifier.json');
}

/** The GM soundfont shipped for playback and `clara render` (resources/public/soundfonts/clara-gm.sf3), or null. */
export function bundledSoundfont(): string | null {
  const dir = findBundled('resources', path.join('public', 'soundfonts'), 'clara-gm.sf3');
  return dir ? path.join(dir, 'clara-gm.sf3') : null;
}

/**
 * The bundled demo corpus (resources/demo-corpus), looked up from this module's place in the source
 * tree or from the packaged app's resources folder.
 */
export function demoCorpusDir(): string {
  const found = findBundled('resources', 'demo-corpus', 'ATTRIBUTION.md');
  if (!found) throw new Error('bundled demo corpus not found (resources/demo-corpus, or $CLARA_RESOURCES/demo-corpus)');
  return found;
}
