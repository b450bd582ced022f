import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { encodeSteps, quantize, transpose, validShifts, type EncodingName, type EncodingOptions } from '../encoding';

export interface ExportTextOptions {
  encoding: EncodingName;
  options: EncodingOptions;
  outDir: string;
  /** All valid transpositions (default), or only the original key. */
  transpositions?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportTextReport {
  pieces: number;
  files: number;
  words: number;
  train: number;
  test: number;
}

function slug(s: string): string {
  return (
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'piece'
  );
}

/**
 * Writes the catalog as Clara-style text: `train/` and `test/`, one file per piece and valid shift,
 * words separated by spaces. Test pieces go to `test/` with all their shifts, never to `train/`.
 */
export function exportText(catalog: Catalog, opts: ExportTextOptions): ExportTextReport {
  const pieces = catalog.listPieces({ sort: 'imported' });
  const report: ExportTextReport = { pieces: pieces.length, files: 0, words: 0, train: 0, test: 0 };
  for (const split of ['train', 'test']) fs.mkdirSync(path.join(opts.outDir, split), { recursive: true });
  pieces.forEach((p, i) => {
    const { notes, ppq } = catalog.pieceNotes(p.id);
    const steps = quantize(notes, ppq, opts.options);
    const withSolo = notes.some((n) => n.voice === 'v');
    const shifts = opts.transpositions === false ? [0] : validShifts(steps, opts.options);
    for (const shift of shifts) {
      const words = encodeSteps(transpose(steps, shift, opts.options), opts.encoding, opts.options, withSolo);
      const name = `${String(p.id).padStart(5, '0')}-${slug(p.composer)}-${slug(p.title)}_t${shift >= 0 ? '+' : ''}${shift}.txt`;
      fs.writeFileSync(path.join(opts.outDir, p.split, name), `${words.join(' ')}\n`);
      report.files++;
      report.words += words.length;
      report[p.split]++;
    }
    opts.onProgress?.(i + 1, pieces.length);
  });
  return report;
}
