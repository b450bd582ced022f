import path from 'node:path';
import { Command } from 'commander';
import { asDiskError } from '../core/diskErrors';
import { defaultDataDir } from '../core/paths';
import { registerCritic } from './commands/critic';
import { registerEncode } from './commands/encode';
import { registerExportText } from './commands/exportText';
import { registerGenerate } from './commands/generate';
import { registerImport } from './commands/import';
import { registerJob } from './commands/job';
import { registerPieces } from './commands/pieces';
import { registerRender } from './commands/render';
import { registerServe } from './commands/serve';
import { registerStart } from './commands/start';
import { registerTrain } from './commands/train';
import { reportError } from './report';

// `clara … | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const program = new Command('clara')
  .description('Clara Studio: catalog a MIDI library, train an AWD-LSTM composer on it, and generate new pieces')
  .option('--data-dir <dir>', 'catalog and models folder (default: $CLARA_HOME, else the OS user-data folder)')
  // A bad flag is one line naming it, and a hint, not the whole help (subcommands inherit both).
  .showHelpAfterError('(add --help for usage)')
  .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'clara: ')) })
  .exitOverride();

registerStart(program);
registerServe(program);
registerImport(program);
registerPieces(program);
registerEncode(program);
registerExportText(program);
registerTrain(program);
registerGenerate(program);
registerRender(program);
registerCritic(program);
registerJob(program);

const fail = (thrown: unknown): void => {
  const dataDir = path.resolve(program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir());
  const file = (thrown as NodeJS.ErrnoException | null)?.path;
  // A full disk or unwritable folder is the user's to fix: one line naming the data folder (a file
  // elsewhere, such as an --out, is named itself).
  const inData =
    typeof file !== 'string' || path.resolve(file).startsWith(dataDir + path.sep) || path.resolve(file) === dataDir;
  const r = reportError(inData ? asDiskError(thrown, dataDir) : thrown);
  process.stderr.write(r.text);
  process.exitCode = r.exitCode;
};
process.on('uncaughtException', (err) => {
  fail(err);
  process.exit();
});

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  fail(thrown);
}
