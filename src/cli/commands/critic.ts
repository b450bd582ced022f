import type { Command } from 'commander';
import { ClaraError } from '../../core/errors';
import { scoreSamples } from '../../core/critic/score';
import { trainComposer, trainCritic, type ClassifierProgress, type TrainedClassifier } from '../../core/critic/train';
import { initBackend, parseBackendChoice } from '../../core/model/backend';
import { dataDirOf, withCatalog } from '../context';
import { floatArg, intArg } from '../options';
import { clean, printJson, ProgressBar, table } from '../output';

interface TrainFlags {
  checkpoint: string;
  window: number;
  windows?: number;
  epochs: number;
  hidden: number;
  lr: number;
  seed: number;
  minPieces: number;
  composer?: string[];
  backend: string;
  json?: boolean;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function report(r: TrainedClassifier): void {
  const m = r.metrics;
  console.log(`${r.kind} ${r.id} saved in ${r.dir} (${m.seconds.toFixed(1)} s)`);
  console.log(`train windows ${m.trainWindows}, accuracy ${pct(m.trainAccuracy)}`);
  console.log(
    `held-out windows ${m.heldOutWindows}, accuracy ${pct(m.heldOutAccuracy)} (majority class: ${pct(m.chance)})`,
  );
  if (m.merged.length) console.log(clean(`merged into "other" (too few pieces): ${m.merged.join(', ')}`));
  const short = r.classes.map((c) => c.split(/\s+/).pop()!.slice(0, 10));
  console.log('\nheld-out confusion (rows: true class, columns: predicted)');
  console.log(
    table(
      m.confusion.map((row, i) => [short[i]!, ...row.map(String)]),
      ['', ...short],
    ),
  );
}

function addTrainCommand(parent: Command, kind: 'critic' | 'composer'): void {
  const cmd = parent
    .command('train')
    .description(
      kind === 'critic'
        ? 'train the critic: real windows of the train pieces against windows the generator writes'
        : 'train the composer classifier on catalog pieces labelled by composer',
    )
    .option(
      '--checkpoint <ref>',
      'generator checkpoint whose encoder to use: id, latest, best, RUN:latest|best',
      'best',
    )
    .option('--window <words>', 'words per window', intArg('--window', 16, 2000), 128)
    .option('--windows <n>', 'training windows', intArg('--windows', 16, 100_000))
    .option('--epochs <n>', 'passes over the windows', intArg('--epochs', 1, 10_000), 60)
    .option('--hidden <n>', 'hidden units of the head', intArg('--hidden', 4, 4096), 128)
    .option('--lr <x>', 'learning rate', floatArg('--lr', 1e-6, 1), 2e-3)
    .option('--seed <s>', 'random seed', intArg('--seed', 0, 2 ** 31), 1)
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu', 'auto')
    .option('--json', 'print the result as JSON');
  if (kind === 'composer') {
    cmd
      .option(
        '--min-pieces <n>',
        'composers with fewer pieces are merged into "other"',
        intArg('--min-pieces', 1, 10_000),
        3,
      )
      .option('--composer <name...>', 'only these composers');
  }
  cmd.action(async (f: TrainFlags, c: Command) => {
    await initBackend(parseBackendChoice(f.backend));
    const bar = f.json ? null : new ProgressBar(kind);
    const progress = (p: ClassifierProgress) => bar?.update(p.done, p.total, `${p.phase} ${p.detail ?? ''}`);
    const args = {
      checkpoint: f.checkpoint,
      window: f.window,
      windows: f.windows,
      minPieces: f.minPieces,
      composers: f.composer,
      seed: f.seed,
      head: { epochs: f.epochs, hidden: f.hidden, lr: f.lr },
    };
    const r = await withCatalog(c, (catalog) =>
      (kind === 'critic' ? trainCritic : trainComposer)(catalog, dataDirOf(c), args, progress),
    );
    bar?.done();
    if (f.json) return printJson(r);
    report(r);
  });
}

export function registerCritic(program: Command): void {
  addTrainCommand(
    program.command('critic').description('the critic: tells human pieces from generated ones'),
    'critic',
  );
  addTrainCommand(
    program.command('composer').description('the composer classifier: whose style a piece is in'),
    'composer',
  );

  program
    .command('classifiers')
    .description('list trained critics and composer classifiers, newest first')
    .option('--json', 'print as JSON')
    .action(async (f: { json?: boolean }, c: Command) => {
      await withCatalog(c, (catalog) => {
        const rows = catalog.classifiers.list();
        if (f.json) return printJson(rows);
        if (!rows.length)
          return console.log(
            'No classifiers trained yet (the bundled ones are used): `clara critic train`, `clara composer train`.',
          );
        console.log(
          table(
            rows.map((r) => [
              String(r.id),
              r.kind,
              pct(r.heldOutAccuracy),
              pct(r.chance),
              String(r.classes.length),
              r.createdAt.replace('T', ' ').slice(0, 19),
              r.path,
            ]),
            ['id', 'kind', 'held-out', 'majority', 'classes', 'made', 'path'],
          ),
        );
      });
    });

  program
    .command('score')
    .description('score samples with the critic and the composer classifier (all samples when none are named)')
    .argument('[ids...]', 'sample ids')
    .option('--backend <name>', 'auto, node-gpu, node, wasm or cpu', 'auto')
    .option('--json', 'print the scores as JSON')
    .action(async (ids: string[], f: { backend: string; json?: boolean }, c: Command) => {
      for (const id of ids)
        if (!/^\d+$/.test(id)) throw new ClaraError(`"${id}" is not a sample id`, 'bad-option', 'id');
      await initBackend(parseBackendChoice(f.backend));
      const r = await withCatalog(c, (catalog) => scoreSamples(catalog, ids.map(Number)));
      if (f.json) return printJson(r);
      console.log(
        table(
          r.scores.map((s) => [
            String(s.id),
            s.criticP === null ? '' : s.criticP.toFixed(3),
            s.criticScore === null ? '' : s.criticScore.toFixed(2),
            s.composer ? `${s.composer} (${pct(s.composerP!)})` : '',
            s.novel ? 'novel' : '',
            s.error ?? '',
          ]),
          ['id', 'p(human)', 'critic', 'composer', '', 'error'],
        ),
      );
      if (r.inceptionScore !== null)
        console.log(
          `\ninception-like score of these ${r.scores.filter((s) => s.composerProbs).length} samples: ${r.inceptionScore.toFixed(3)}`,
        );
      console.log(`critic: ${r.critic ?? 'none'}\ncomposer classifier: ${r.composer ?? 'none'}`);
    });
}
