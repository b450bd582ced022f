import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { demoCorpusDir } from '../../core/corpus/demo';
import { importPaths } from '../../core/import/importer';
import { withCatalog, dataDirOf } from '../context';
import { ProgressBar } from '../output';
import { findDesktop, launchDesktop } from '../desktop';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('open the studio on your catalog, importing the bundled demo corpus on first run')
    .option('--no-desktop', 'prepare the catalog only; do not open the desktop app')
    .action(async (f: { desktop: boolean }, cmd: Command) => {
      const dataDir = dataDirOf(cmd);
      await withCatalog(cmd, async (catalog) => {
        const fresh = catalog.countPieces().total === 0 && catalog.listImports(1).length === 0;
        if (fresh) {
          const demo = demoCorpusDir();
          console.log(`First run: importing the bundled demo corpus (${path.relative(process.cwd(), demo) || demo}) into ${dataDir}`);
          const bar = new ProgressBar('import');
          const r = await importPaths(catalog, [demo], { onProgress: (p) => bar.update(p.done, p.total, path.basename(p.current.path)) });
          bar.done();
          console.log(`Imported ${r.imported} pieces in ${(r.elapsedMs / 1000).toFixed(1)} s${r.failed.length ? `; ${r.failed.length} failed` : ''}.`);
        }
        const c = catalog.countPieces();
        console.log(`Catalog ${catalog.file}: ${c.total} pieces (${c.train} train, ${c.test} test) by ${c.composers} composers, ${c.notes} notes.`);
      });
      if (!f.desktop) return;
      const desktop = findDesktop();
      if (!desktop.ok) {
        console.log(`Desktop studio not opened: ${desktop.reason}. Browse the catalog with \`npx clara pieces\`.`);
        return;
      }
      if (!fs.existsSync(desktop.mainEntry)) {
        console.log('Desktop studio not opened: it is not built yet; run `npm run build` first.');
        return;
      }
      await launchDesktop(desktop, dataDir);
    });
}
