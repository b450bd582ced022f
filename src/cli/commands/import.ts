import path from 'node:path';
import type { Command } from 'commander';
import { importPaths, type ImportReport } from '../../core/import/importer';
import { withCatalog } from '../context';
import { floatArg } from '../options';
import { clean, printJson, ProgressBar } from '../output';

interface ImportFlags {
  composer?: string;
  testFraction?: number;
  pedal: boolean;
  json?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('catalog MIDI files and folders (re-importing is idempotent; bad files are reported, never fatal)')
    .argument('<paths...>', 'MIDI files or folders to walk for .mid/.midi')
    .option('--composer <name>', 'composer for every piece (default: the file metadata, else the parent folder)')
    .option('--test-fraction <f>', 'share of pieces held out for validation', floatArg('--test-fraction', 0, 1), 0.1)
    .option('--no-pedal', 'do not extend piano notes held by the sustain pedal')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], flags: ImportFlags, cmd: Command) => {
      const bar = flags.json ? null : new ProgressBar('import');
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      const report = await withCatalog(cmd, (catalog) =>
        importPaths(catalog, paths, {
          composer: flags.composer,
          testFraction: flags.testFraction,
          pedal: flags.pedal,
          signal: abort.signal,
          // Ctrl-C cancels even in the middle of a huge file; the plain report needs no per-file list.
          worker: true,
          keepResults: Boolean(flags.json),
          onProgress: (p) => bar?.update(p.done, p.total, path.basename(p.current.path)),
        }),
      );
      process.off('SIGINT', onSigint);
      bar?.done();
      if (flags.json) printJson(jsonReport(report));
      else printReport(report);
      if (report.failed.length > 0 && report.imported + report.unchanged + report.moved + report.duplicate === 0)
        process.exitCode = 1;
    });
}

function jsonReport(r: ImportReport) {
  return {
    importId: r.importId,
    total: r.total,
    imported: r.imported,
    unchanged: r.unchanged,
    moved: r.moved,
    duplicate: r.duplicate,
    failed: r.failed,
    cancelled: r.cancelled,
    elapsedMs: Math.round(r.elapsedMs),
    pieces: r.results
      .filter((x) => x.status !== 'failed')
      .map(({ path: p, status, pieceId, title, composer, duplicateOf }) => ({
        path: p,
        status,
        pieceId,
        title,
        composer,
        duplicateOf,
      })),
  };
}

function printReport(r: ImportReport): void {
  const parts = [`${r.imported} imported`, `${r.unchanged} unchanged`];
  if (r.moved) parts.push(`${r.moved} moved`);
  if (r.duplicate) parts.push(`${r.duplicate} duplicates of catalogued files`);
  parts.push(`${r.failed.length} failed`);
  console.log(
    `${r.cancelled ? 'Cancelled after' : 'Done:'} ${parts.join(', ')} (${(r.elapsedMs / 1000).toFixed(1)} s, import #${r.importId}).`,
  );
  for (const f of r.failed) console.log(`  failed: ${clean(f.path)}: ${clean(f.error)}`);
}
