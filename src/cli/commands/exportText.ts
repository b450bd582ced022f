import type { Command } from 'commander';
import { exportText } from '../../core/corpus/exportText';
import { parseEncodingName, resolveEncodingOptions } from '../../core/encoding';
import { prepareDir } from '../../core/userPaths';
import { withCatalog } from '../context';
import { intArg } from '../options';
import { printJson, ProgressBar } from '../output';

export function registerExportText(program: Command): void {
  program
    .command('export-text')
    .description('write the catalog as Clara-style text files (train/ and test/, one per piece and shift)')
    .requiredOption('--encoding <name>', 'notewise or chordwise')
    .requiredOption('--out <dir>', 'folder to write into')
    .option('--sample-freq <n>', 'time steps per quarter note', intArg('--sample-freq', 1, 96), 12)
    .option('--range-low <midi>', 'lowest MIDI pitch of the note range', intArg('--range-low', 0, 116), 33)
    .option('--range-size <n>', 'keys in the note range', intArg('--range-size', 12, 128), 62)
    .option('--no-transpositions', 'only the original key of each piece')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        f: {
          encoding: string;
          out: string;
          sampleFreq: number;
          rangeLow: number;
          rangeSize: number;
          transpositions: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const encoding = parseEncodingName(f.encoding);
        prepareDir(f.out, '--out', { writable: true });
        const options = resolveEncodingOptions({
          sampleFreq: f.sampleFreq,
          rangeLow: f.rangeLow,
          rangeSize: f.rangeSize,
        });
        const bar = f.json ? null : new ProgressBar('export');
        const report = await withCatalog(cmd, (catalog) =>
          exportText(catalog, {
            encoding,
            options,
            outDir: f.out,
            transpositions: f.transpositions,
            onProgress: (d, t) => bar?.update(d, t),
          }),
        );
        bar?.done();
        if (f.json) printJson(report);
        else
          console.log(
            `Wrote ${report.files} files (${report.train} train, ${report.test} test), ${report.words} words, from ${report.pieces} pieces to ${f.out}.`,
          );
      },
    );
}
