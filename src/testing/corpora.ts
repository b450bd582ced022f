import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared corpora beside the checkout (../shared/corpora), or where CLARA_SHARED points. */
export function sharedCorpora(): { piano: string; chamber: string } {
  const base = process.env.CLARA_SHARED
    ? path.join(process.env.CLARA_SHARED, 'corpora')
    : path.resolve(repoRoot, '../shared/corpora');
  const piano = path.join(base, 'piano-midi-de');
  const chamber = path.join(base, 'mutopia-chamber');
  if (!fs.existsSync(piano) || !fs.existsSync(chamber)) {
    throw new Error(
      `shared corpora not found at ${base}: tests need ../shared/corpora beside the checkout, or CLARA_SHARED`,
    );
  }
  return { piano, chamber };
}

export const demoCorpus = path.join(repoRoot, 'resources', 'demo-corpus');
export const repo = repoRoot;

export function midiFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.midi?$/i.test(e.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}
