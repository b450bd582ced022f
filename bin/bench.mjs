#!/usr/bin/env node
// `npm run bench -- NAME [args]`: runs bench/NAME.ts, which prints one JSON object on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const available = fs
  .readdirSync(benchDir)
  .filter((f) => /^[a-z-]+\.ts$/.test(f))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [options]\n`);
  process.exit(2);
}
register();
process.argv.splice(2, 1);
await import(path.join(benchDir, `${name}.ts`));
