import type { Command } from 'commander';
import { initBackend } from '../../core/model/backend';
import { loadCheckpoint } from '../../core/model/checkpoint';
import { exportTfjs } from '../../core/model/exportTfjs';
import { resolveCheckpoint } from '../../core/train/checkpointRef';
import { train, type TrainEvent } from '../../core/train/trainer';
import { resolveUntil } from '../../core/train/until';
import { prepareDir } from '../../core/userPaths';
import { dataDirOf, withCatalog } from '../context';
import { addOptions, optionValues } from '../options';
import { trainOptionsOf } from '../../core/jobs/spec';
import { trainOptions } from '../../shared/options';
import { clean, formatDuration, table } from '../output';

/** The flags beyond the training options (shared/options.ts), which the schema adds. */
interface TrainFlags {
  resume?: string;
  json?: boolean;
}

function fmtEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  return h > 0 ? `${h}:${formatDuration(s % 3600).padStart(5, '0')}` : formatDuration(s);
}

function printer(json: boolean): (e: TrainEvent) => void {
  let lastStepPrint = 0;
  let lastVal = '';
  return (e) => {
    const now = Date.now();
    if (json) {
      // Every event but steps; steps at most four times a second (the last one always comes with eval/end).
      if (e.type !== 'step' || now - lastStepPrint > 250) {
        process.stdout.write(`${JSON.stringify(e)}\n`);
        if (e.type === 'step') lastStepPrint = now;
      }
      return;
    }
    switch (e.type) {
      case 'start':
        process.stderr.write(
          `${e.resumed ? `Resuming run ${e.runId} from step ${e.fromStep}` : `Run ${e.runId}`}: ${e.config.encoding}, preset ${e.config.preset}, ` +
            `${(e.parameters / 1e6).toFixed(2)} M parameters, vocabulary ${e.config.vocabSize}\n` +
            `  data: ${e.trainPieces} pieces × their valid keys = ${e.trainItems} items, ~${e.tokensPerEpoch} tokens an epoch; validation ${e.valTokens} tokens\n` +
            `  ${e.backendText}; ${e.workers} ${e.workers === 1 ? 'worker' : 'data-parallel workers'}\n`,
        );
        break;
      case 'step':
        if (now - lastStepPrint < 500) return;
        lastStepPrint = now;
        process.stderr.write(
          `\r\x1b[2Kstep ${e.step} ep ${e.epoch} loss ${e.ce.toFixed(3)} acc ${(e.accuracy * 100).toFixed(1)}% lr ${e.lr.toExponential(1)} ` +
            `${Math.round(e.tokensPerSec)} tok/s ETA ${fmtEta(e.etaS)}${lastVal}`,
        );
        break;
      case 'eval':
        lastVal = ` | val ${e.valLoss.toFixed(3)} ppl ${e.valPerplexity.toFixed(2)}${e.best ? ' *' : ''}`;
        process.stderr.write(
          `\r\x1b[2Kstep ${e.step}: validation loss ${e.valLoss.toFixed(4)}, perplexity ${e.valPerplexity.toFixed(2)}, accuracy ${(e.valAccuracy * 100).toFixed(1)}%${e.best ? ' (best)' : ''}\n`,
        );
        break;
      case 'checkpoint':
        break;
      case 'end':
        process.stderr.write(
          `\n${{ failed: 'Failed', stopped: 'Stopped', paused: 'Paused', finished: 'Finished' }[e.status]} at step ${e.step}: ${clean(e.reason)}. Best validation loss ${e.bestValLoss?.toFixed(4) ?? '–'}. ${peakMemory()}\n`,
        );
        if (e.status !== 'finished') process.stderr.write(`Resume with: clara train --resume ${e.runId}\n`);
        break;
    }
  };
}

/** The process's peak resident memory, worker threads included: what a long run needs of the machine. */
function peakMemory(): string {
  return `Peak memory ${((process.resourceUsage().maxRSS * 1024) / 1e9).toFixed(2)} GB.`;
}

export function registerTrain(program: Command): void {
  program
    .command('export-model')
    .description(
      'write a checkpoint as a plain TensorFlow.js LayersModel (model.json + weights.bin) with its vocabulary',
    )
    .argument('<checkpoint>', 'checkpoint id, latest, best, or RUN:latest|best')
    .requiredOption('--out <dir>', 'folder to write into')
    .action(async (ref: string, f: { out: string }, cmd: Command) => {
      prepareDir(f.out, '--out', { writable: true });
      await initBackend('auto');
      await withCatalog(cmd, async (catalog) => {
        const cp = resolveCheckpoint(catalog, ref);
        const { model, meta } = loadCheckpoint(cp.path);
        const files = await exportTfjs(model, f.out, {
          encoding: meta.encoding,
          encodingOptions: meta.encodingOptions,
          vocab: meta.vocab,
          run: cp.runId,
          step: cp.step,
          valLoss: cp.valLoss,
        });
        model.dispose();
        console.log(`Wrote ${files.join(', ')} (run ${cp.runId}, step ${cp.step}).`);
      });
    });

  const trainCmd = program
    .command('train')
    .description('train an AWD-LSTM on the catalog (or resume a run); Ctrl-C saves and stops');
  addOptions(trainCmd, trainOptions)
    .option('--resume <run>', 'continue a run from its latest checkpoint')
    .option('--json', 'print events as JSON lines')
    .action(async (f: TrainFlags & Record<string, unknown>, cmd: Command) => {
      const o = optionValues(trainOptions, f);
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const until = o.until ? resolveUntil(o.until) : undefined;
      const dataDir = dataDirOf(cmd);
      const result = await withCatalog(cmd, (catalog) =>
        train(
          catalog,
          dataDir,
          f.resume
            ? { resume: f.resume, backend: o.backend, workers: o.workers, steps: o.steps, hours: o.hours, until }
            : trainOptionsOf({ ...o, until }),
          { onEvent: printer(Boolean(f.json)), signal: abort.signal },
        ),
      );
      if (result.status === 'failed') process.exitCode = 1;
    });

  program
    .command('runs')
    .description('list training runs and their checkpoints')
    .option('--json', 'print as JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      await withCatalog(cmd, (catalog) => {
        const runs = catalog.runs.list();
        const cps = catalog.runs.checkpoints();
        if (f.json) {
          process.stdout.write(
            `${JSON.stringify(
              runs.map((r) => ({ ...r, checkpoints: cps.filter((c) => c.runId === r.id) })),
              null,
              2,
            )}\n`,
          );
          return;
        }
        if (runs.length === 0) return console.log('No training runs yet: start one with `clara train`.');
        console.log(
          table(
            runs.map((r) => [
              r.id,
              r.encoding,
              r.preset,
              r.status,
              String(r.step),
              r.bestValLoss?.toFixed(4) ?? '–',
              formatDuration(r.elapsedS),
              r.backend ?? '',
            ]),
            ['run', 'encoding', 'preset', 'status', 'step', 'best val', 'time', 'backend'],
          ),
        );
        console.log('\nCheckpoints:');
        console.log(
          table(
            cps.map((c) => [
              String(c.id),
              c.runId,
              c.kind,
              String(c.step),
              c.valLoss?.toFixed(4) ?? '–',
              c.createdAt.replace('T', ' ').slice(0, 19),
            ]),
            ['id', 'run', 'kind', 'step', 'val loss', 'saved'],
          ),
        );
      });
    });
}
