import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Clara Studio';

/**
 * Where the catalog, checkpoints and samples live: `CLARA_HOME` if set, else the OS's per-user
 * application-data folder, the same one Electron's `app.getPath('userData')` gives the desktop app.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.CLARA_HOME) return path.resolve(env.CLARA_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}

export function catalogFile(dataDir: string): string {
  return path.join(dataDir, 'catalog.sqlite');
}
