import type { Command } from 'commander';
import { ClaraError, errorMessage } from '../../core/errors';
import { scoreSamples } from '../../core/critic/score';
import { generateSamples, listSamples, setStarred, type PromptSpec, type SampleSort } from '../../core/generate/samples';
import type { SamplingOptions } from '../../core/generate/sampler';
import { initBackend, parseBackendChoice } from '../../core/model/backend';
import { dataDirOf, withCatalog } from '../context';
import { floatArg, intArg } from '../options';
import { formatDuration, printJson, ProgressBar, table } from '../output';

interface GenerateFlags {
  checkpoint: string;
  prompt?: string;
  promptWords: number;
  n: number;
  length: string;
  temperature: number;
  topN?: number;
  truncProb: number;
  topK?: number;
  topP?: number;
  seed: number;
  out?: string;
  backend: string;
  json?: boolean;
  events?: boolean;
  score?: boolean;
}

/** "60s", "2m", "1m30s" → seconds; "2000" → words. */
export function parseLength(s: string): { seconds?: number; tokens?: number } {
  if (/^\d+$/.test(s)) return { tokens: Number(s) };
  const m = /^(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (!m || (!m[1] && !m[2])) throw new ClaraError(`"${s}" is neither a number of words (2000) nor a time (60s, 2m, 1m30s)`, 'bad-option', '--length');
  const seconds = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  if (seconds <= 0 || seconds > 3600) throw new ClaraError('must be from 1 second to an hour', 'bad-option', '--length');
  return { seconds };
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('sample new pieces from a checkpoint; each is written as MIDI and recorded in the catalog')
    .option('--checkpoint <ref>', 'checkpoint id, latest, best, or RUN:latest|best', 'best')
    .option('--prompt <file|piece>', 'continue a MIDI file, or the opening of a catalog piece (its id)')
    .option('--prompt-words <n>', 'words of the prompt to use', intArg('--prompt-words', 1, 100_000), 200)
    .option('-n, --n <count>', 'samples, generated together', intArg('-n', 1, 256), 4)
    .option('--length <len>', 'words (2000) or music time (60s, 2m)', '60s')
    .option('--temperature <t>', 'softmax temperature (0: greedy)', floatArg('--temperature', 0, 10), 1)
    .option('--top-n <n>', "Clara's truncated sampling: draw among the top n", intArg('--top-n', 1, 100_000))
    .option('--trunc-prob <p>', 'probability of drawing among the top n (else the top word)', floatArg('--trunc-prob', 0, 1), 0.8)
    .option('--top-k <k>', 'plain top-k sampling', intArg('--top-k', 1, 100_000))
    .option('--top-p <p>', 'nucleus sampling', floatArg('--top-p', 0.0001, 1))
    .option('--seed <s>', 'random seed: the same seed gives the same music', intArg('--seed', 0, 2 ** 31), 1)
    .option('--out <dir>', 'folder for the MIDI files (default: samples/ in the data folder)')
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu', 'auto')
    .option('--json', 'print the samples as JSON')
    .option('--events', 'print progress and the result as JSON lines (for the studio)')
    .option('--score', 'score the new samples with the critic and composer classifier')
    .action(async (f: GenerateFlags, cmd: Command) => {
      const line = (e: unknown): void => void process.stdout.write(`${JSON.stringify(e)}\n`);
      await initBackend(parseBackendChoice(f.backend));
      const sampling: SamplingOptions =
        f.topK !== undefined || f.topP !== undefined
          ? { temperature: f.temperature, topK: f.topK, topP: f.topP }
          : { temperature: f.temperature, topN: f.topN ?? 3, truncProb: f.truncProb };
      const prompt: PromptSpec = !f.prompt ? { kind: 'none' } : /^\d+$/.test(f.prompt) ? { kind: 'piece', pieceId: Number(f.prompt) } : { kind: 'file', path: f.prompt };
      const bar = f.json || f.events ? null : new ProgressBar('generate');
      let lastLine = 0;
      const t0 = performance.now();
      const rows = await withCatalog(cmd, (catalog) =>
        generateSamples(
          catalog,
          dataDirOf(cmd),
          { checkpoint: f.checkpoint, prompt, promptWords: f.promptWords, outDir: f.out, count: f.n, ...parseLength(f.length), sampling, seed: f.seed },
          (d, t) => {
            bar?.update(d, t);
            if (f.events && (Date.now() - lastLine > 200 || d === t)) {
              lastLine = Date.now();
              line({ type: 'progress', phase: 'generate', done: d, total: t });
            }
          },
        ),
      );
      bar?.done();
      const seconds = (performance.now() - t0) / 1000;
      let scoreError: string | undefined;
      if (f.score) {
        if (f.events) line({ type: 'progress', phase: 'score', done: 0, total: rows.length });
        try {
          await withCatalog(cmd, (catalog) => scoreSamples(catalog, rows.map((r) => r.id)));
        } catch (err) {
          scoreError = errorMessage(err);
        }
      }
      if (f.events) return line({ type: 'end', ids: rows.map((r) => r.id), seconds, scoreError });
      if (f.json) return printJson({ samples: rows, seconds });
      console.log(table(rows.map((r) => [String(r.id), r.title, formatDuration(r.durationS), String(r.noteCount), r.file]), ['id', 'title', 'time', 'notes', 'file']));
      console.log(`\n${rows.length} samples in ${seconds.toFixed(1)} s.`);
    });

  program
    .command('samples')
    .description('list generated samples, newest first')
    .option('--starred', 'only starred samples')
    .option('--run <id>', 'only samples of this run')
    .option('--sort <by>', 'date, critic, novelty or stars', 'date')
    .option('--json', 'print as JSON')
    .action(async (f: { starred?: boolean; run?: string; sort: string; json?: boolean }, cmd: Command) => {
      if (!['date', 'critic', 'novelty', 'stars'].includes(f.sort)) throw new ClaraError(`"${f.sort}" is not one of date, critic, novelty, stars`, 'bad-option', '--sort');
      await withCatalog(cmd, (catalog) => {
        const rows = listSamples(catalog, { starred: f.starred, runId: f.run, sort: f.sort as SampleSort });
        if (f.json) return printJson(rows);
        if (rows.length === 0) return console.log(f.starred ? 'No starred samples.' : 'No samples yet: make some with `clara generate`.');
        console.log(
          table(
            rows.map((r) => [
              String(r.id),
              r.starred ? '★' : '',
              r.title,
              formatDuration(r.durationS),
              String(r.noteCount),
              r.criticScore === null ? '' : r.criticScore.toFixed(2),
              r.composer ? `${r.composer.split(/\s+/).pop()} ${Math.round(100 * r.composerP!)}%` : '',
              r.novel ? 'novel' : '',
              r.runId ?? '',
              r.createdAt.replace('T', ' ').slice(0, 19),
              r.file,
            ]),
            ['id', '', 'title', 'time', 'notes', 'critic', 'composer', '', 'run', 'made', 'file'],
          ),
        );
      });
    });

  for (const [name, starred] of [['star', true], ['unstar', false]] as const) {
    program
      .command(name)
      .description(`${starred ? 'star' : 'unstar'} samples`)
      .argument('<ids...>', 'sample ids')
      .action(async (ids: string[], _f: unknown, cmd: Command) => {
        await withCatalog(cmd, (catalog) => {
          for (const id of ids) {
            if (!/^\d+$/.test(id)) throw new ClaraError(`"${id}" is not a sample id`, 'bad-option', 'id');
            setStarred(catalog, Number(id), starred);
          }
        });
      });
  }
}
