#!/usr/bin/env node
// Builds better-sqlite3 for the installed Electron's ABI into native/electron/, leaving the Node
// build in node_modules alone: the CLI, `clara serve` and the tests keep using Node's, while the
// desktop app (and the jobs it runs in utility processes) loads this one through
// better-sqlite3's `nativeBinding` option. Needs network access once, for Electron's headers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const electronVersion = require('electron/package.json').version;
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-sqlite-electron-'));
try {
  fs.cpSync(sqliteDir, path.join(work, 'better-sqlite3'), {
    recursive: true,
    filter: (p) => !p.includes(`${path.sep}build${path.sep}`),
  });
  const nodeGyp = path.join(
    path.dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
  const gyp = fs.existsSync(nodeGyp) ? [process.execPath, nodeGyp] : ['npx', 'node-gyp'];
  execFileSync(
    gyp[0],
    [
      ...gyp.slice(1),
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    {
      cwd: path.join(work, 'better-sqlite3'),
      stdio: 'inherit',
      env: {
        ...process.env,
        npm_config_runtime: 'electron',
        npm_config_target: electronVersion,
        npm_config_disturl: 'https://electronjs.org/headers',
      },
    },
  );
  const out = path.join(root, 'native', 'electron');
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(
    path.join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    path.join(out, 'better_sqlite3.node'),
  );
  fs.writeFileSync(path.join(out, 'electron-version.txt'), `${electronVersion}\n`);
  console.log(`better-sqlite3 built for Electron ${electronVersion}: native/electron/better_sqlite3.node`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
