/**
 * Import benchmark: files/s and notes/s for parsing alone (@tonejs/midi) and for the whole import
 * (hash, parse, pedal, both encodings with their valid shifts, SQLite catalog), on the 337-file
 * piano-midi.de corpus. Each phase runs in its own process so that each peak memory is its own.
 * Targets: full import at most 3× parse-only time; peak memory under 500 MB.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import midiPkg from '@tonejs/midi';
import { Catalog } from '../src/core/catalog/catalog';
import { importPaths } from '../src/core/import/importer';
import { midiFilesUnder, sharedCorpora } from '../src/testing/corpora';

const { Midi } = midiPkg;
const phase = process.argv[2];
const corpus = process.argv[3] ?? sharedCorpora().piano;

interface PhaseResult {
  files: number;
  notes: number;
  seconds: number;
  peakRssMB: number;
}

async function runPhase(which: string): Promise<PhaseResult> {
  const files = midiFilesUnder(corpus);
  const t0 = performance.now();
  let notes = 0;
  if (which === 'parse') {
    for (const f of files) {
      const m = new Midi(fs.readFileSync(f));
      for (const t of m.tracks) notes += t.notes.length;
    }
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-bench-'));
    const catalog = Catalog.open(dir);
    const r = await importPaths(catalog, [corpus]);
    if (r.failed.length) throw new Error(`import failures: ${JSON.stringify(r.failed)}`);
    notes = catalog.countPieces().notes;
    catalog.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { files: files.length, notes, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024 };
}

if (phase === 'parse' || phase === 'import') {
  process.stdout.write(JSON.stringify(await runPhase(phase)));
} else {
  const self = fileURLToPath(import.meta.url);
  const run = (which: string): PhaseResult => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, which, corpus], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${which} phase failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as PhaseResult;
  };
  const parse = run('parse');
  const full = run('import');
  const rate = (p: PhaseResult) => ({
    seconds: +p.seconds.toFixed(3),
    filesPerSec: +(p.files / p.seconds).toFixed(1),
    notesPerSec: Math.round(p.notes / p.seconds),
    peakRssMB: +p.peakRssMB.toFixed(1),
  });
  const ratio = full.seconds / parse.seconds;
  const result = {
    bench: 'import',
    corpus: path.basename(corpus),
    files: parse.files,
    notes: parse.notes,
    parseOnly: rate(parse),
    fullImport: {
      ...rate(full),
      includes: 'sha256, parse, pedal, notewise+chordwise at sf 12 with valid shifts, SQLite (WAL)',
    },
    fullOverParse: +ratio.toFixed(2),
    targets: { fullOverParseMax: 3, peakRssMBMax: 500 },
    pass: ratio <= 3 && full.peakRssMB < 500 && parse.peakRssMB < 500,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
