import type { Command } from 'commander';
import { parseEncodingName, resolveEncodingOptions } from '../../core/encoding';
import { initBackend, parseBackendChoice } from '../../core/model/backend';
import { loadCheckpoint } from '../../core/model/checkpoint';
import { exportTfjs } from '../../core/model/exportTfjs';
import { resolveCheckpoint } from '../../core/train/checkpointRef';
import { parsePresetName, type Preset } from '../../core/model/presets';
import { train, type TrainEvent } from '../../core/train/trainer';
import { resolveUntil } from '../../core/train/until';
import { prepareDir } from '../../core/userPaths';
import { dataDirOf, withCatalog } from '../context';
import { floatArg, intArg } from '../options';
import { clean, formatDuration, table } from '../output';

interface TrainFlags {
  encoding: string;
  sampleFreq: number;
  preset: string;
  steps?: number;
  hours?: number;
  until?: string;
  resume?: string;
  composers?: string;
  seed: number;
  evalEvery: number;
  checkpointEvery: number;
  valTokens: number;
  patience: number;
  backend: string;
  json?: boolean;
  emb?: number;
  hidden?: number;
  layers?: number;
  bptt?: number;
  batch?: number;
  lr?: number;
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
            `  ${e.backendText}\n`,
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
          `\n${{ failed: 'Failed', stopped: 'Stopped', paused: 'Paused', finished: 'Finished' }[e.status]} at step ${e.step}: ${clean(e.reason)}. Best validation loss ${e.bestValLoss?.toFixed(4) ?? '–'}.\n`,
        );
        if (e.status !== 'finished') process.stderr.write(`Resume with: clara train --resume ${e.runId}\n`);
        break;
    }
  };
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

  program
    .command('train')
    .description('train an AWD-LSTM on the catalog (or resume a run); Ctrl-C saves and stops')
    .option('--encoding <name>', 'notewise or chordwise', 'notewise')
    .option('--sample-freq <n>', 'time steps per quarter note', intArg('--sample-freq', 1, 96), 12)
    .option('--preset <name>', 'tiny, laptop or clara', 'laptop')
    .option('--steps <n>', 'stop after this many steps', intArg('--steps', 1, 1e9))
    .option('--hours <h>', 'stop after this many hours', floatArg('--hours', 0.0001, 1000))
    .option('--until <time>', 'stop at this clock time, e.g. 07:00 or 2026-11-26T07:00')
    .option('--resume <run>', 'continue a run from its latest checkpoint')
    .option('--composers <list>', 'only these composers (comma-separated, as in `clara pieces`)')
    .option('--emb <n>', 'embedding size', intArg('--emb', 2, 4096))
    .option('--hidden <n>', 'hidden size', intArg('--hidden', 2, 8192))
    .option('--layers <n>', 'LSTM layers', intArg('--layers', 1, 8))
    .option('--bptt <n>', 'tokens per window', intArg('--bptt', 2, 2000))
    .option('--batch <n>', 'parallel streams', intArg('--batch', 1, 1024))
    .option('--lr <x>', 'peak learning rate', floatArg('--lr', 1e-6, 1e9))
    .option('--seed <n>', 'random seed', intArg('--seed', 0, 2 ** 31), 1)
    .option('--eval-every <n>', 'validate every n steps', intArg('--eval-every', 1, 1e9), 200)
    .option(
      '--checkpoint-every <s>',
      'save the latest checkpoint at least every s seconds',
      intArg('--checkpoint-every', 1, 1e6),
      300,
    )
    .option('--val-tokens <n>', 'validation tokens per evaluation', intArg('--val-tokens', 10, 1e8), 20000)
    .option(
      '--patience <n>',
      'stop after n validations without improvement (0: never)',
      intArg('--patience', 0, 1e6),
      8,
    )
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu', 'auto')
    .option('--json', 'print events as JSON lines')
    .action(async (f: TrainFlags, cmd: Command) => {
      const abort = new AbortController();
      const stop = (): void => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const backend = parseBackendChoice(f.backend);
      const until = f.until ? resolveUntil(f.until) : undefined;
      const overrides: Partial<Preset> = {};
      if (f.emb !== undefined) overrides.embSize = f.emb;
      if (f.hidden !== undefined) overrides.hiddenSize = f.hidden;
      if (f.layers !== undefined) overrides.layers = f.layers;
      if (f.bptt !== undefined) overrides.bptt = f.bptt;
      if (f.batch !== undefined) overrides.batchSize = f.batch;
      if (f.lr !== undefined) overrides.lr = f.lr;
      const dataDir = dataDirOf(cmd);
      const result = await withCatalog(cmd, (catalog) =>
        train(
          catalog,
          dataDir,
          f.resume
            ? { resume: f.resume, backend }
            : {
                encoding: parseEncodingName(f.encoding),
                encodingOptions: resolveEncodingOptions({ sampleFreq: f.sampleFreq }),
                preset: parsePresetName(f.preset),
                overrides,
                steps: f.steps,
                hours: f.hours,
                until,
                composers: f.composers
                  ?.split(',')
                  .map((s) => s.trim())
                  .filter(Boolean),
                seed: f.seed,
                evalEvery: f.evalEvery,
                checkpointEverySec: f.checkpointEvery,
                valTokens: f.valTokens,
                patience: f.patience,
                backend,
              },
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
