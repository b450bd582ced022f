/**
 * Music benchmark (issue #12): generates a fixed, seeded set from a checkpoint (unprompted samples,
 * and continuations of the opening of each held-out test piece of the corpus it was trained on),
 * reads the MIDI files back as the user gets them, and measures them against the human test pieces
 * measured the same way (same length window). Prints one JSON object; progress goes to stderr.
 * Every measure is documented in docs/MUSIC-BENCHMARK.md.
 *
 *   npm run bench -- music [--checkpoint REF|DIR] [--home DIR] [--corpus DIR] [--seed 1] [--samples 32]
 *                          [--pieces 16] [--length 60s] [--prompt-bars 8] [--prompt-words N]
 *                          [--temperature T] [--top-n N] [--trunc-prob P] [--top-k K] [--top-p P]
 *                          [--backend auto] [--keep]
 *
 * Sampling left out is the checkpoint's encoding's default (shared/sampling.ts), as in `clara generate`.
 *
 * Everything is written to a fresh data folder under the system's temp folder (removed at the end
 * unless --keep). --home DIR resolves REF in that data folder (read only) and takes the run's test
 * pieces from its catalog; without it REF is `best` (the bundled model, trained on the demo corpus),
 * or a checkpoint folder with --corpus naming what it was trained on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../src/core/catalog/catalog';
import { bundledModelDir, demoCorpusDir } from '../src/core/corpus/demo';
import { encodePiece } from '../src/core/encoding';
import { ClaraError, errorMessage } from '../src/core/errors';
import { generateSamples } from '../src/core/generate/samples';
import { checkSampling, type SamplingOptions } from '../src/core/generate/sampler';
import { samplingOf } from '../src/shared/options';
import { resolveSampling } from '../src/shared/sampling';
import { importPaths } from '../src/core/import/importer';
import { initBackend, parseBackendChoice } from '../src/core/model/backend';
import { readCheckpointMeta } from '../src/core/model/checkpoint';
import { resolveCheckpoint } from '../src/core/train/checkpointRef';
import { pieceFromMidi } from '../src/core/music/fromMidi';
import { keyContinuation, measurePiece, overlaps, summarise, type PieceMeasures } from '../src/core/music/measure';
import { beatAt, beatsPerBar, secondsAt, windowOf, type MusicPiece } from '../src/core/music/notes';
import { parseLength } from '../src/cli/commands/generate';
import { benchOption } from './lib/args';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => benchOption(name, dflt, args);
const has = (name: string): boolean => args.includes(`--${name}`);
const log = (s: string): void => void process.stderr.write(`${s}\n`);

function intOpt(name: string, dflt: number, min: number, max: number): number {
  const v = Number(opt(name, String(dflt)));
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ClaraError(`must be a whole number from ${min} to ${max}`, 'bad-option', `--${name}`);
  return v;
}
function numOpt(name: string): number | undefined {
  if (!has(name)) return undefined;
  const v = Number(opt(name, ''));
  if (!Number.isFinite(v)) throw new ClaraError('must be a number', 'bad-option', `--${name}`);
  return v;
}

/**
 * How many words of an encoded piece cover its first `steps` steps, and the steps they cover.
 * Notewise counts time in wait words; chordwise has one word a step.
 */
function promptCut(words: readonly string[], encoding: string, steps: number): { words: number; steps: number } {
  if (encoding !== 'notewise') return { words: Math.min(words.length, steps), steps: Math.min(words.length, steps) };
  let t = 0;
  for (let i = 0; i < words.length; i++) {
    const m = /^wait(\d+)$/.exec(words[i]!);
    if (m) t += Number(m[1]);
    if (t >= steps) return { words: i + 1, steps: t };
  }
  return { words: words.length, steps: t };
}
function stepsOfWords(words: readonly string[], encoding: string): number {
  return encoding === 'notewise' ? promptCut(words, encoding, Number.POSITIVE_INFINITY).steps : words.length;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const ref = opt('checkpoint', 'best');
  const seed = intOpt('seed', 1, 0, 2 ** 31);
  const count = intOpt('samples', 32, 1, 256);
  const maxPieces = intOpt('pieces', 16, 0, 1000);
  const length = parseLength(opt('length', '60s'));
  if (length.seconds === undefined)
    throw new ClaraError(
      'give the length as a time (60s, 2m): the human pieces are cut to the same time',
      'bad-option',
      '--length',
    );
  const seconds = length.seconds;
  const promptBars = intOpt('prompt-bars', 8, 1, 1000);
  const promptWords = has('prompt-words') ? intOpt('prompt-words', 200, 1, 100_000) : null;
  // Left out, a setting is the checkpoint's encoding's default (resolved once its meta is read).
  const asked = samplingOf({
    temperature: numOpt('temperature'),
    topN: numOpt('top-n'),
    truncProb: numOpt('trunc-prob'),
    topK: numOpt('top-k'),
    topP: numOpt('top-p'),
  });
  const backend = await initBackend(parseBackendChoice(opt('backend', 'auto')));

  // 1. Which checkpoint, and which corpus and selection it was trained on.
  let cpPath: string;
  let cpInfo: { runId: string | null; step: number | null; valLoss: number | null };
  let corpusInputs: string[];
  let selection: { composers: string[] | null; ensembles: string[] | null } = { composers: null, ensembles: null };
  const home = has('home') ? path.resolve(opt('home', '')) : null;
  if (home) {
    if (!fs.existsSync(path.join(home, 'catalog.sqlite')))
      throw new ClaraError('has no catalog.sqlite: not a Clara data folder', 'bad-option', home);
    const user = Catalog.open(home);
    try {
      const cp = resolveCheckpoint(user, ref);
      cpPath = cp.path;
      cpInfo = { runId: cp.runId, step: cp.runId === 'bundled' ? null : cp.step, valLoss: cp.valLoss };
      if (cp.runId === 'bundled') corpusInputs = [demoCorpusDir()];
      else {
        const cfg = (user.runs.get(cp.runId).config ?? {}) as {
          composers?: string[] | null;
          ensembles?: string[] | null;
        };
        selection = {
          composers: cfg.composers?.length ? cfg.composers : null,
          ensembles: cfg.ensembles?.length ? cfg.ensembles : null,
        };
        // Only the held-out pieces are needed; their hashes give the same split in the bench's catalog.
        corpusInputs = user
          .listPieces({ split: 'test' })
          .map((p) => p.path)
          .filter((p) => fs.existsSync(p));
      }
    } finally {
      user.close();
    }
  } else if (fs.existsSync(path.join(ref, 'checkpoint.json'))) {
    cpPath = path.resolve(ref);
    cpInfo = { runId: null, step: null, valLoss: null };
    corpusInputs = [path.resolve(opt('corpus', demoCorpusDir()))];
  } else if (ref === 'best' || ref === 'latest') {
    const bundled = bundledModelDir();
    if (!bundled)
      throw new ClaraError('the bundled model (models/piano-notewise) is not installed', 'not-found', 'checkpoint');
    cpPath = bundled;
    cpInfo = { runId: 'bundled', step: null, valLoss: null };
    corpusInputs = [path.resolve(opt('corpus', demoCorpusDir()))];
  } else {
    throw new ClaraError(
      `"${ref}" is not a checkpoint folder; a run's checkpoint needs --home DATA_FOLDER`,
      'bad-option',
      '--checkpoint',
    );
  }
  const meta = readCheckpointMeta(cpPath);
  const sampling: SamplingOptions = checkSampling(resolveSampling(asked, meta.encoding));
  const trainer = (meta.trainer ?? {}) as { step?: number; bestValLoss?: number | null };

  // 2. A fresh data folder with the corpus and the checkpoint registered, so generation runs as `clara generate` does.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-bench-music-'));
  const catalog = Catalog.open(tmp);
  try {
    const tImport = performance.now();
    log(`importing ${corpusInputs.length === 1 ? corpusInputs[0] : `${corpusInputs.length} test pieces`} …`);
    await importPaths(catalog, corpusInputs);
    const importS = (performance.now() - tImport) / 1000;
    catalog.runs.create({ id: 'bench', encoding: meta.encoding, preset: 'bench', config: {}, backend: backend.chosen });
    catalog.runs.end('bench', { status: 'stopped', code: 'user-stop', reason: 'registered for the benchmark' });
    catalog.runs.putCheckpoint({
      runId: 'bench',
      kind: 'best',
      step: cpInfo.step ?? trainer.step ?? 0,
      epoch: 0,
      valLoss: cpInfo.valLoss ?? trainer.bestValLoss ?? null,
      trainLoss: null,
      path: cpPath,
    });
    const checkpoint = 'bench:best';

    const testPieces = catalog
      .listPieces({ split: 'test' })
      .filter(
        (p) =>
          (!selection.composers || selection.composers.includes(p.composer)) &&
          (!selection.ensembles || selection.ensembles.includes(p.ensemble)),
      )
      .sort((a, b) => a.hash.localeCompare(b.hash))
      .slice(0, maxPieces);
    if (testPieces.length === 0 && maxPieces > 0)
      log('no held-out test pieces in the corpus: continuations and the human set are skipped');

    // 3. Generate: one batch of unprompted samples, one continuation per test piece.
    const tGen = performance.now();
    let last = 0;
    const progress = (what: string) => (d: number, t: number) => {
      if (Date.now() - last > 5000 || d === t) {
        last = Date.now();
        log(`${what}: ${d}/${t} words`);
      }
    };
    const unprompted = generateSamples(
      catalog,
      tmp,
      { checkpoint, prompt: { kind: 'none' }, count, seconds, sampling, seed },
      progress(`${count} unprompted samples`),
    );
    const continued: Array<{
      piece: (typeof testPieces)[number];
      file: string;
      promptBeats: number;
      human: MusicPiece;
    }> = [];
    for (const [i, piece] of testPieces.entries()) {
      const human = pieceFromMidi(fs.readFileSync(piece.path), piece.path);
      const words = encodePiece(catalog.pieceNotes(piece.id), meta.encoding, meta.encodingOptions);
      const cut =
        promptWords !== null
          ? {
              words: Math.min(promptWords, words.length),
              steps: stepsOfWords(words.slice(0, promptWords), meta.encoding),
            }
          : promptCut(
              words,
              meta.encoding,
              Math.round(promptBars * beatsPerBar(human) * meta.encodingOptions.sampleFreq),
            );
      const [row] = generateSamples(
        catalog,
        tmp,
        {
          checkpoint,
          prompt: { kind: 'piece', pieceId: piece.id },
          promptWords: cut.words,
          count: 1,
          seconds,
          sampling,
          seed,
        },
        progress(`continuation ${i + 1}/${testPieces.length} (${piece.title})`),
      );
      continued.push({ piece, file: row!.file, promptBeats: cut.steps / meta.encodingOptions.sampleFreq, human });
    }
    const generateS = (performance.now() - tGen) / 1000;

    // 4. Measure: samples as written to disk, human pieces through the same reader, cut to the same time.
    const tMeasure = performance.now();
    const read = (file: string): MusicPiece => pieceFromMidi(fs.readFileSync(file), file);
    const sU = unprompted.map((r) => measurePiece(read(r.file)));
    const hO = continued.map((c) => measurePiece(windowOf(c.human, 0, beatAt(c.human.tempos, seconds))));
    const sC: PieceMeasures[] = [];
    const hC: PieceMeasures[] = [];
    const sK: Array<ReturnType<typeof keyContinuation>> = [];
    const hK: Array<ReturnType<typeof keyContinuation>> = [];
    const perPiece = continued.map((c) => {
      const prompt = windowOf(c.human, 0, c.promptBeats).notes;
      const sample = read(c.file);
      const from = secondsAt(c.human.tempos, c.promptBeats);
      const rest = windowOf(c.human, c.promptBeats, beatAt(c.human.tempos, from + seconds));
      sC.push(measurePiece(sample));
      hC.push(measurePiece(rest));
      const ks = keyContinuation(prompt, sample.notes);
      const kh = keyContinuation(prompt, rest.notes);
      sK.push(ks);
      hK.push(kh);
      return {
        piece: `${c.piece.composer}: ${c.piece.title}`,
        promptBeats: +c.promptBeats.toFixed(2),
        promptKey: ks?.prompt ?? kh?.prompt ?? null,
        sampleKey: ks?.continuation ?? null,
        humanKey: kh?.continuation ?? null,
      };
    });
    const measureS = (performance.now() - tMeasure) / 1000;

    const out = {
      bench: 'music',
      checkpoint: {
        ref,
        path: cpPath,
        runId: cpInfo.runId,
        step: cpInfo.step ?? trainer.step ?? null,
        valLoss: cpInfo.valLoss ?? trainer.bestValLoss ?? null,
        encoding: meta.encoding,
      },
      seeds: { unprompted: seed, continuations: seed },
      settings: {
        samples: count,
        continuations: continued.length,
        seconds,
        prompt: promptWords !== null ? { words: promptWords } : { bars: promptBars },
        sampling,
        backend: backend.chosen,
        corpus: corpusInputs.length === 1 ? corpusInputs[0] : `${corpusInputs.length} test pieces of ${home}`,
        testPieces: continued.map((c) => `${c.piece.composer}: ${c.piece.title}`),
      },
      samples: { unprompted: summarise(sU), continuations: summarise(sC, sK) },
      human: { openings: summarise(hO), continuations: summarise(hC, hK) },
      overlap: { unprompted: overlaps(sU, hO), continuations: overlaps(sC, hC) },
      continuationKeys: perPiece,
      timing: {
        importS: +importS.toFixed(1),
        generateS: +generateS.toFixed(1),
        measureS: +measureS.toFixed(1),
        totalS: +((performance.now() - t0) / 1000).toFixed(1),
      },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    catalog.close();
    if (has('keep')) log(`kept the bench's data folder: ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`music bench: ${errorMessage(err)}\n`);
  process.exitCode = 1;
}
