import fs from 'node:fs';
import type { Command } from 'commander';
import { runJob, type JobEvent } from '../../core/jobs/runJob';
import { readJobSpec } from '../../core/jobs/spec';
import { dataDirOf, withCatalog } from '../context';

/**
 * `clara job SPEC.json --json`: how the studio runs training, generation and scoring in a child
 * process. Everything the job needs is in the spec file (validated), never in argv; events come
 * back as JSON lines, training steps at most four a second.
 */
export function registerJob(program: Command): void {
  program
    .command('job', { hidden: true })
    .description('run a studio job from a spec file (used by the studio)')
    .argument('<spec>', 'the job spec, a JSON file the studio wrote into the data folder')
    .option('--json', 'print events as JSON lines (always on)')
    .action(async (file: string, _f: unknown, cmd: Command) => {
      const spec = readJobSpec(file);
      fs.rmSync(file, { force: true });
      const abort = new AbortController();
      // Ctrl-C in the terminal of `clara serve` reaches this process too; the studio then asks the
      // run to pause for closing through its row, which a stop on SIGINT would pre-empt.
      process.on('SIGINT', () => undefined);
      process.once('SIGTERM', () => abort.abort());
      let lastStep = 0;
      const emit = (e: JobEvent): void => {
        if (e.type === 'step') {
          if (Date.now() - lastStep < 250) return;
          lastStep = Date.now();
        }
        process.stdout.write(`${JSON.stringify(e)}\n`);
      };
      process.exitCode = await withCatalog(cmd, (catalog) => runJob(catalog, dataDirOf(cmd), spec, emit, abort.signal));
    });
}
