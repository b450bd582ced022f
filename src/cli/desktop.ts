import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type DesktopLookup = { ok: true; binary: string; mainEntry: string } | { ok: false; reason: string };

/**
 * Whether the Electron desktop app can run here. Electron ≥ 45 downloads its binary on first run,
 * which fails offline; on Linux it also needs a display.
 */
export function findDesktop(env: NodeJS.ProcessEnv = process.env): DesktopLookup {
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { ok: false, reason: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathTxt = path.join(pkgDir, 'path.txt');
  const binary = fs.existsSync(pathTxt) ? path.join(pkgDir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim()) : '';
  if (!binary || !fs.existsSync(binary))
    return {
      ok: false,
      reason: 'the Electron binary is not downloaded (run `npx electron --version` once with network access)',
    };
  return { ok: true, binary, mainEntry: path.join(root, 'out', 'main', 'index.js') };
}

export function launchDesktop(d: Extract<DesktopLookup, { ok: true }>, dataDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(d.binary, [root], { stdio: 'inherit', env: { ...process.env, CLARA_HOME: dataDir } });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Builds main, preload and renderer (electron-vite) when a first run finds no build. */
export function buildStudio(): Promise<void> {
  return run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
}

/**
 * better-sqlite3 is compiled for one ABI. The CLI, server and tests use Node's build in
 * node_modules; the desktop app loads a second build for Electron's ABI from native/electron/
 * (scripts/rebuild-electron-sqlite.mjs), made here once when it is missing.
 */
export async function ensureElectronSqlite(): Promise<void> {
  if (fs.existsSync(path.join(root, 'native', 'electron', 'better_sqlite3.node'))) return;
  console.log('Building better-sqlite3 for Electron (once)…');
  await run(process.execPath, [path.join(root, 'scripts', 'rebuild-electron-sqlite.mjs')]);
}
