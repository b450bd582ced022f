import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { Catalog } from '../../core/catalog/catalog';
import { ClaraError } from '../../core/errors';
import { StudioService } from '../../studio/service';
import { serveStudio, type Served } from '../../server/serve';
import { dataDirOf } from '../context';
import { buildStudio } from '../desktop';
import { intArg } from '../options';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(cmd, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // No browser opener here: the URL is printed.
  }
}

const TOKEN_SHAPE = /^[\w-]{16,128}$/;
const TOKEN_RULE = 'the token must be 16 to 128 letters, digits, _ or -';

/**
 * The token for `clara serve`, from --token-file or $CLARA_TOKEN (else undefined: a random one).
 * Never from argv: every user of the machine can read a process's arguments in `ps`.
 */
export function serveToken(f: { token?: string; tokenFile?: string }, env: NodeJS.ProcessEnv): string | undefined {
  if (f.token !== undefined) {
    throw new ClaraError(
      'refused: a token on the command line shows in `ps` to every user of this machine; put it in a file and pass --token-file FILE, or set CLARA_TOKEN',
      'bad-token',
      '--token',
    );
  }
  if (f.tokenFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(f.tokenFile, 'utf8');
    } catch (err) {
      throw new ClaraError(
        `cannot read the token file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        'bad-token',
        `--token-file ${f.tokenFile}`,
      );
    }
    const t = text.trim();
    if (!TOKEN_SHAPE.test(t)) throw new ClaraError(TOKEN_RULE, 'bad-token', `--token-file ${f.tokenFile}`);
    return t;
  }
  const t = env.CLARA_TOKEN?.trim();
  if (!t) return undefined;
  if (!TOKEN_SHAPE.test(t)) throw new ClaraError(TOKEN_RULE, 'bad-token', 'CLARA_TOKEN');
  return t;
}

/** Serves the studio until the process is told to stop; resolves once it has shut down cleanly. */
export async function runServer(dataDir: string, o: { port?: number; open?: boolean; token?: string }): Promise<void> {
  const rendererDir = path.join(root, 'out', 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
    console.log('Building the studio (first run)…');
    try {
      await buildStudio();
    } catch {
      throw new ClaraError(
        'building the studio failed (its output is above); fix that and run `npm run build`',
        'not-built',
        rendererDir,
      );
    }
  }
  const catalog = Catalog.open(dataDir);
  const service = new StudioService(catalog, dataDir);
  let served: Served;
  try {
    served = await serveStudio(service, { port: o.port, rendererDir, token: o.token });
  } catch (err) {
    catalog.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new ClaraError(
        code === 'EADDRINUSE' ? 'that port is in use' : 'not allowed to listen on that port',
        'bad-port',
        `--port ${o.port}`,
      );
    throw err;
  }
  console.log(`Clara Studio is served at ${served.url}`);
  for (const j of service.resumeRunsPausedByClosing())
    console.log(`${j.title} (it was training when the studio last closed).`);
  console.log(
    `(loopback only; open the URL once: the page keeps the token for its tab and takes it out of the address bar. Data: ${dataDir}. Ctrl-C stops.)`,
  );
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
    .option(
      '--token-file <file>',
      'use the token in this file (16 to 128 letters, digits, _ or -) instead of a random one; $CLARA_TOKEN works too',
    )
    // Kept (hidden) so that someone used to it gets the reason it is refused, not "unknown option".
    .addOption(new Option('--token <t>').hideHelp())
    .action(async (f: { port?: number; open?: boolean; token?: string; tokenFile?: string }, cmd: Command) => {
      const token = serveToken(f, process.env);
      // The jobs this server starts as child processes have no use for it.
      delete process.env.CLARA_TOKEN;
      await runServer(dataDirOf(cmd), { port: f.port, open: f.open, token });
    });
}
