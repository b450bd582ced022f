import type { Command } from 'commander';
import { ClaraError, errorMessage } from '../../core/errors';
import { parseKey } from '../../core/generate/key';
import { scoreSamples } from '../../core/critic/score';
import { generateSamples, type PromptSpec, type SampleSort } from '../../core/generate/samples';
import { MAX_SAMPLE_SECONDS, MAX_SAMPLE_WORDS } from '../../core/generate/generate';
import { prepareDir } from '../../core/userPaths';
import { initBackend } from '../../core/model/backend';
import { dataDirOf, withCatalog } from '../context';
import { addOptions, optionValues } from '../options';
import { generateOptions, samplingOf } from '../../shared/options';
import { clean, formatDuration, printJson, ProgressBar, table } from '../output';

/** The flags beyond the generation options (shared/options.ts), which the schema adds. */
interface GenerateFlags {
  prompt?: string;
  length: string;
  out?: string;
  json?: boolean;
  score?: boolean;
  continue?: string;
}

/**
 * "60s", "2m", "1m30s" → seconds; "2000" → words. Nothing is refused for being long: a length past
 * the cap (an hour, or 100,000 words) is cut to it, and `capped` says so.
 */
export function parseLength(s: string): { seconds?: number; tokens?: number; capped?: string } {
  if (/^\d+$/.test(s)) {
    const tokens = Number(s);
    if (tokens < 1) throw new ClaraError('must be at least 1 word, or a time such as 60s', 'bad-option', '--length');
    if (tokens > MAX_SAMPLE_WORDS)
      return {
        tokens: MAX_SAMPLE_WORDS,
        capped: `--length: ${s} words is past the cap; generating ${MAX_SAMPLE_WORDS} words`,
      };
    return { tokens };
  }
  const m = /^(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
  if (!m || (!m[1] && !m[2]))
    throw new ClaraError(
      `"${s}" is neither a number of words (2000) nor a time (60s, 2m, 1m30s)`,
      'bad-option',
      '--length',
    );
  const seconds = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  if (!(seconds > 0)) throw new ClaraError('must be longer than 0 seconds', 'bad-option', '--length');
  if (seconds > MAX_SAMPLE_SECONDS)
    return {
      seconds: MAX_SAMPLE_SECONDS,
      capped: `--length: ${s} is past the cap; generating ${MAX_SAMPLE_SECONDS / 60} minutes`,
    };
  return { seconds };
}

export function registerGenerate(program: Command): void {
  const generateCmd = program
    .command('generate')
    .description('sample new pieces from a checkpoint; each is written as MIDI and recorded in the catalog')
    .option('--prompt <file|piece>', 'continue a MIDI file, or the opening of a catalog piece (its id)')
    .option('--continue <sample>', 'continue a sample (its id): the new sample records which one it continues')
    .option(
      '--length <len>',
      `words (2000) or music time (60s, 2m); at most ${MAX_SAMPLE_SECONDS / 60} minutes or ${MAX_SAMPLE_WORDS} words (longer is cut to that)`,
      '60s',
    );
  addOptions(generateCmd, generateOptions)
    .option('--out <dir>', 'folder for the MIDI files (default: samples/ in the data folder)')
    .option('--json', 'print the samples as JSON')
    .option('--score', 'score the new samples with the critic and composer classifier')
    .action(async (f: GenerateFlags & Record<string, unknown>, cmd: Command) => {
      const o = optionValues(generateOptions, f);
      // Everything the user typed is checked before the model loads and the music is made.
      const { capped, ...length } = parseLength(f.length);
      if (capped) process.stderr.write(`clara: ${capped}\n`);
      if (f.out !== undefined) prepareDir(f.out, '--out', { writable: true });
      await initBackend(o.backend);
      if (f.prompt && f.continue)
        throw new ClaraError('give --prompt or --continue, not both', 'bad-option', '--continue');
      if (f.continue !== undefined && !/^\d+$/.test(f.continue))
        throw new ClaraError(`"${f.continue}" is not a sample id`, 'bad-option', '--continue');
      const prompt: PromptSpec = f.continue
        ? { kind: 'sample', sampleId: Number(f.continue) }
        : !f.prompt
          ? { kind: 'none' }
          : /^\d+$/.test(f.prompt)
            ? { kind: 'piece', pieceId: Number(f.prompt) }
            : { kind: 'file', path: f.prompt };
      const key = o.key !== undefined ? parseKey(o.key) : undefined;
      const bar = f.json ? null : new ProgressBar('generate');
      const t0 = performance.now();
      const rows = await withCatalog(cmd, (catalog) =>
        generateSamples(
          catalog,
          dataDirOf(cmd),
          {
            checkpoint: o.checkpoint,
            prompt,
            promptWords: o.promptWords,
            outDir: f.out,
            count: o.count,
            ...length,
            sampling: samplingOf(o),
            seed: o.seed,
            key,
            bpm: o.bpm,
            solo: o.solo,
            includePrompt: o.includePrompt,
          },
          (d, t) => bar?.update(d, t),
        ),
      );
      bar?.done();
      const seconds = (performance.now() - t0) / 1000;
      let scoreError: string | undefined;
      if (f.score) {
        try {
          await withCatalog(cmd, (catalog) =>
            scoreSamples(
              catalog,
              rows.map((r) => r.id),
            ),
          );
        } catch (err) {
          scoreError = errorMessage(err);
        }
      }
      if (f.json) return printJson({ samples: rows, seconds, scoreError });
      if (scoreError) process.stderr.write(`clara: not scored: ${clean(scoreError)}\n`);
      console.log(
        table(
          rows.map((r) => [String(r.id), r.title, formatDuration(r.durationS), String(r.noteCount), r.file]),
          ['id', 'title', 'time', 'notes', 'file'],
        ),
      );
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
      if (!['date', 'critic', 'novelty', 'stars'].includes(f.sort))
        throw new ClaraError(`"${f.sort}" is not one of date, critic, novelty, stars`, 'bad-option', '--sort');
      await withCatalog(cmd, (catalog) => {
        const rows = catalog.samples.list({ starred: f.starred, runId: f.run, sort: f.sort as SampleSort });
        if (f.json) return printJson(rows);
        if (rows.length === 0)
          return console.log(f.starred ? 'No starred samples.' : 'No samples yet: make some with `clara generate`.');
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

  for (const [name, starred] of [
    ['star', true],
    ['unstar', false],
  ] as const) {
    program
      .command(name)
      .description(`${starred ? 'star' : 'unstar'} samples`)
      .argument('<ids...>', 'sample ids')
      .action(async (ids: string[], _f: unknown, cmd: Command) => {
        await withCatalog(cmd, (catalog) => {
          for (const id of ids) {
            if (!/^\d+$/.test(id)) throw new ClaraError(`"${id}" is not a sample id`, 'bad-option', 'id');
            catalog.samples.setStarred(Number(id), starred);
          }
        });
      });
  }
}
