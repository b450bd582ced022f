import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bundled demo corpus (resources/demo-corpus), looked up from this module's place in the source
 * tree or from the packaged app's resources folder.
 */
export function demoCorpusDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.CLARA_RESOURCES ? path.join(process.env.CLARA_RESOURCES, 'demo-corpus') : '',
    path.resolve(here, '../../../resources/demo-corpus'),
    path.resolve(here, '../../resources/demo-corpus'),
    path.resolve(here, '../resources/demo-corpus'),
    (process as { resourcesPath?: string }).resourcesPath ? path.join((process as { resourcesPath?: string }).resourcesPath!, 'demo-corpus') : '',
  ].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'ATTRIBUTION.md')));
  if (!found) throw new Error(`bundled demo corpus not found (looked in ${candidates.join(', ')})`);
  return found;
}
