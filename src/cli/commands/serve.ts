import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Catalog } from '../../core/catalog/catalog';
import { StudioService } from '../../core/studio/service';
import { serveStudio } from '../../server/serve';
import { dataDirOf } from '../context';
import { intArg } from '../options';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // No browser opener here: the URL is printed.
  }
}

/** Serves the studio until the process is told to stop; resolves once it has shut down cleanly. */
export async function runServer(dataDir: string, o: { port?: number; open?: boolean; token?: string }): Promise<void> {
  const catalog = Catalog.open(dataDir);
  const service = new StudioService(catalog, dataDir);
  const served = await serveStudio(service, { port: o.port, rendererDir: path.join(root, 'out', 'renderer'), token: o.token });
  console.log(`Clara Studio is served at ${served.url}`);
  for (const j of service.resumeRunsPausedByClosing()) console.log(`${j.title} (it was training when the studio last closed).`);
  console.log(`(loopback only; the token in the URL is required. Data: ${dataDir}. Ctrl-C stops.)`);
  if (o.open) openBrowser(served.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Stopping: jobs are saving their state…');
  await service.jobs.shutdown();
  await served.close();
  catalog.close();
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the studio to a browser on 127.0.0.1, with a random token in the URL it prints')
    .option('--port <n>', 'port (default: any free one)', intArg('--port', 0, 65535))
    .option('--open', 'open the URL in the default browser')
    .option('--token <t>', 'use this token instead of a random one (at least 16 characters)')
    .action(async (f: { port?: number; open?: boolean; token?: string }, cmd: Command) => {
      if (f.token !== undefined && !/^[\w-]{16,128}$/.test(f.token)) throw new Error('--token must be 16 to 128 letters, digits, _ or -');
      await runServer(dataDirOf(cmd), f);
    });
}
