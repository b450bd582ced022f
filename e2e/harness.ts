import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  _electron,
  chromium,
  type Browser,
  type BrowserContext,
  type ElectronApplication,
  type Page,
} from 'playwright-core';
import { findDesktop } from '../src/cli/desktop';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CLARA_CHROMIUM ?? '/usr/bin/chromium';
/** In CI the browser is installed by .ci/run and the specs must run; elsewhere they skip without it. */
export const haveBrowser = process.env.CLARA_E2E_TARGET === 'electron' || fs.existsSync(CHROMIUM);
if (!haveBrowser && process.env.CI) throw new Error(`e2e: ${CHROMIUM} is missing (apt-get install chromium)`);

/**
 * `CLARA_E2E_TARGET=electron` runs the same specs against the desktop app (playwright's Electron
 * driver), where an Electron binary and a display exist; the default is the served twin in chromium.
 */
export const target: 'served' | 'electron' = process.env.CLARA_E2E_TARGET === 'electron' ? 'electron' : 'served';

export const shotsDir = path.join(root, 'e2e', 'screenshots');

/** Builds the studio once if no build is there (the specs drive the built renderer, as users get it). */
export function ensureBuilt(): void {
  if (fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) return;
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('electron-vite build failed');
}

export interface Studio {
  url: string;
  token: string;
  /** The `clara serve` process (0 for the desktop app), so specs can check what `ps` shows of it. */
  serverPid: number;
  origin: string;
  dataDir: string;
  browser: Browser | null;
  context: BrowserContext | null;
  page: Page;
  /** Page errors and console errors seen so far (the specs assert there are none). */
  problems: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts `clara serve` on a fresh data folder and opens it in headless chromium. */
export async function openStudio(
  prefix: string,
  opts: {
    dataDir?: string;
    /** Script run in the page before its own (a fake device API). */ initScript?: string;
  } = {},
): Promise<Studio> {
  ensureBuilt();
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `clara-e2e-${prefix}-`));
  if (target === 'electron') return openDesktop(dataDir, !opts.dataDir);
  // The token goes in through the environment, as a user should pass one: never in argv, where `ps` shows it.
  const token = randomBytes(24).toString('base64url');
  const server: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'bin', 'clara.mjs'), '--data-dir', dataDir, 'serve'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CLARA_TOKEN: token },
    },
  );
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`clara serve did not start: ${stderr}`)), 60_000);
    readline.createInterface({ input: server.stdout! }).on('line', (line) => {
      const m = /served at (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.on('exit', (code) => reject(new Error(`clara serve exited with ${code}: ${stderr}`)));
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  if (opts.initScript) await context.addInitScript(opts.initScript);
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(url);
  fs.mkdirSync(shotsDir, { recursive: true });
  const u = new URL(url);
  if (u.searchParams.get('token') !== token)
    throw new Error(`clara serve printed ${url}, not the token it was given in CLARA_TOKEN`);
  return {
    url,
    token,
    serverPid: server.pid!,
    origin: u.origin,
    dataDir,
    browser,
    context,
    page,
    problems,
    shot: async (name) => void (await page.screenshot({ path: path.join(shotsDir, `${name}.png`) })),
    close: async () => {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url))
      problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  return problems;
}

/** The desktop app on a data folder, driven through playwright's Electron support. */
async function openDesktop(dataDir: string, ownDir: boolean): Promise<Studio> {
  const desktop = findDesktop();
  if (!desktop.ok) throw new Error(`CLARA_E2E_TARGET=electron, but ${desktop.reason}`);
  if (!fs.existsSync(path.join(root, 'native', 'electron', 'better_sqlite3.node'))) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'rebuild-electron-sqlite.mjs')], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('building better-sqlite3 for Electron failed');
  }
  const app: ElectronApplication = await _electron.launch({
    executablePath: desktop.binary,
    args: [root],
    cwd: root,
    env: { ...process.env, CLARA_HOME: dataDir },
  });
  const page = await app.firstWindow();
  const problems = watch(page);
  fs.mkdirSync(shotsDir, { recursive: true });
  return {
    url: page.url(),
    token: '',
    serverPid: 0,
    origin: '',
    dataDir,
    browser: null,
    context: null,
    page,
    problems,
    shot: async (name) => void (await page.screenshot({ path: path.join(shotsDir, `electron-${name}.png`) })),
    close: async () => {
      await app.close();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
