import { Command, CommanderError } from 'commander';
import { ClaraError } from '../core/errors';
import { asDiskError } from '../core/diskErrors';
import { defaultDataDir } from '../core/paths';
import { registerCritic } from './commands/critic';
import { registerEncode } from './commands/encode';
import { registerExportText } from './commands/exportText';
import { registerGenerate } from './commands/generate';
import { registerImport } from './commands/import';
import { registerJob } from './commands/job';
import { registerPieces } from './commands/pieces';
import { registerServe } from './commands/serve';
import { registerStart } from './commands/start';
import { registerTrain } from './commands/train';

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
  .showHelpAfterError()
  .exitOverride();

registerStart(program);
registerServe(program);
registerImport(program);
registerPieces(program);
registerEncode(program);
registerExportText(program);
registerTrain(program);
registerGenerate(program);
registerCritic(program);
registerJob(program);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  // A full disk or unwritable folder is the user's to fix: one line naming the data folder.
  const err = asDiskError(thrown, program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir());
  if (err instanceof CommanderError) process.exitCode = err.exitCode;
  else if (err instanceof ClaraError) {
    process.stderr.write(`clara: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`clara: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
