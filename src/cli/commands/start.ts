import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { demoCorpusDir } from '../../core/corpus/demo';
import { importPaths } from '../../core/import/importer';
import { withCatalog, dataDirOf } from '../context';
import { ProgressBar } from '../output';
import { buildStudio, ensureElectronSqlite, findDesktop, launchDesktop, root } from '../desktop';
import { intArg } from '../options';
import { runServer } from './serve';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('open the studio on your catalog, importing the bundled demo corpus on first run')
    .option('--no-desktop', 'prepare the catalog only; do not open the studio')
    .option('--port <n>', 'port when serving to a browser', intArg('--port', 0, 65535))
    .option('--open', 'when serving, open the URL in the default browser')
    .action(async (f: { desktop: boolean; port?: number; open?: boolean }, cmd: Command) => {
      const dataDir = dataDirOf(cmd);
      await withCatalog(cmd, async (catalog) => {
        const fresh = catalog.countPieces().total === 0 && catalog.listImports(1).length === 0;
        if (fresh) {
          const demo = demoCorpusDir();
          console.log(
            `First run: importing the bundled demo corpus (${path.relative(process.cwd(), demo) || demo}) into ${dataDir}`,
          );
          const bar = new ProgressBar('import');
          const r = await importPaths(catalog, [demo], {
            onProgress: (p) => bar.update(p.done, p.total, path.basename(p.current.path)),
          });
          bar.done();
          console.log(
            `Imported ${r.imported} pieces in ${(r.elapsedMs / 1000).toFixed(1)} s${r.failed.length ? `; ${r.failed.length} failed` : ''}.`,
          );
        }
        const c = catalog.countPieces();
        console.log(
          `Catalog ${catalog.file}: ${c.total} pieces (${c.train} train, ${c.test} test) by ${c.composers} composers, ${c.notes} notes.`,
        );
      });
      if (!f.desktop) return;
      if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
        console.log('Building the studio (first run)…');
        await buildStudio();
      }
      const desktop = findDesktop();
      if (desktop.ok) {
        await ensureElectronSqlite();
        return launchDesktop(desktop, dataDir);
      }
      console.log(`The desktop app cannot run here (${desktop.reason}); serving the studio to a browser instead.`);
      await runServer(dataDir, { port: f.port, open: f.open });
    });
}
