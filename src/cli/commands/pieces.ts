import type { Command } from 'commander';
import { ClaraError } from '../../core/errors';
import { withCatalog } from '../context';
import { intArg } from '../options';
import { clean, formatDuration, printJson, table } from '../output';

export function registerPieces(program: Command): void {
  program
    .command('pieces')
    .description('list the catalogued pieces')
    .option('--search <words>', 'words to find in title, composer or file name')
    .option('--composer <name>', 'only this composer')
    .option('--split <split>', 'train or test')
    .option('--json', 'print as JSON')
    .action(async (f: { search?: string; composer?: string; split?: string; json?: boolean }, cmd: Command) => {
      if (f.split && f.split !== 'train' && f.split !== 'test')
        throw new ClaraError('must be train or test', 'bad-option', '--split');
      await withCatalog(cmd, (catalog) => {
        const pieces = catalog.listPieces({
          search: f.search,
          composer: f.composer,
          split: f.split as 'train' | 'test' | undefined,
        });
        if (f.json) return printJson(pieces);
        console.log(
          table(
            pieces.map((p) => [
              String(p.id),
              p.composer,
              p.title.slice(0, 50),
              p.ensemble,
              formatDuration(p.durationSeconds),
              String(p.noteCount),
              p.split,
            ]),
            ['id', 'composer', 'title', 'ensemble', 'time', 'notes', 'split'],
          ),
        );
        const c = catalog.countPieces();
        console.log(
          `\n${pieces.length} shown; catalog: ${c.total} pieces (${c.train} train, ${c.test} test), ${c.composers} composers, ${c.notes} notes.`,
        );
      });
    });

  program
    .command('piece')
    .description('show one piece: metadata, tracks and the valid transpositions of each encoding')
    .argument('<id>', 'piece id', intArg('id', 1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print as JSON')
    .action(async (id: number, f: { json?: boolean }, cmd: Command) => {
      await withCatalog(cmd, (catalog) => {
        const p = catalog.getPiece(id);
        if (f.json) return printJson(p);
        console.log(
          `${clean(p.title)}\n  composer  ${clean(p.composer)} (from ${p.composerSource})\n  ensemble  ${p.ensemble}\n  split     ${p.split}`,
        );
        console.log(
          `  duration  ${formatDuration(p.durationSeconds)} (${p.durationBeats.toFixed(1)} beats), ${p.noteCount} notes, PPQ ${p.ppq}`,
        );
        console.log(`  file      ${clean(p.path)}`);
        for (const w of p.warnings) console.log(`  note      ${clean(w)}`);
        console.log('  tracks:');
        for (const t of p.tracks)
          console.log(
            clean(
              `    ${t.index + 1}. ${t.name || '(unnamed)'}: ${t.instrument} (program ${t.program}), ${t.role}, ${t.noteCount} notes${t.roleReason ? ` [${t.roleReason}]` : ''}`,
            ),
          );
        console.log('  encodings:');
        for (const e of p.encodings) {
          console.log(
            `    ${e.encoding} sf ${e.sampleFreq}, range ${e.rangeLow}+${e.rangeSize}: ${e.tokenCount} words; shifts ${e.validShifts.map((s) => (s > 0 ? `+${s}` : String(s))).join(' ')}`,
          );
        }
      });
    });

  program
    .command('imports')
    .description('list past imports, or the failures of one')
    .argument('[id]', 'an import id: list its failed files with reasons', intArg('id', 1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print as JSON')
    .action(async (id: number | undefined, f: { json?: boolean }, cmd: Command) => {
      await withCatalog(cmd, (catalog) => {
        if (id !== undefined) {
          if (!catalog.listImports(Number.MAX_SAFE_INTEGER).some((i) => i.id === id))
            throw new ClaraError(`no import #${id} (see \`clara imports\`)`, 'not-found', 'import');
          const failures = catalog.importFailures(id);
          if (f.json) return printJson(failures);
          if (failures.length === 0) console.log(`Import #${id} had no failures.`);
          for (const x of failures) console.log(clean(`${x.path}: ${x.error}`));
          return;
        }
        const imports = catalog.listImports();
        if (f.json) return printJson(imports);
        console.log(
          table(
            imports.map((i) => [
              String(i.id),
              i.startedAt.replace('T', ' ').slice(0, 19),
              i.status,
              String(i.imported),
              String(i.unchanged),
              String(i.moved),
              String(i.failed),
            ]),
            ['id', 'started', 'status', 'imported', 'unchanged', 'moved', 'failed'],
          ),
        );
      });
    });
}
