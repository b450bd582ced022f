// Copies a trained checkpoint into models/ as the bundled default: weights and configuration only
// (no optimizer state), with the facts the generator reads from a checkpoint (typical tempo, note
// limits) filled in from the run's catalog when the run predates them.
//
//   npx tsx scripts/ship-model.ts DATA_DIR CHECKPOINT_REF OUT_DIR
//   e.g. npx tsx scripts/ship-model.ts ~/clara-data RUN:best models/piano-notewise
import fs from 'node:fs';
import path from 'node:path';
import { Catalog } from '../src/core/catalog/catalog';
import { quantize } from '../src/core/encoding';
import { learnNoteLimits } from '../src/core/generate/noteLimits';
import { readCheckpointMeta } from '../src/core/model/checkpoint';
import { resolveCheckpoint } from '../src/core/train/checkpointRef';
import { typicalBpm, typicalVelocity } from '../src/core/train/trainer';

const [dataDir, ref, out] = process.argv.slice(2);
if (!dataDir || !ref || !out) {
  process.stderr.write('usage: npx tsx scripts/ship-model.ts DATA_DIR CHECKPOINT_REF OUT_DIR\n');
  process.exit(2);
}
const catalog = Catalog.open(dataDir);
try {
  const cp = resolveCheckpoint(catalog, ref);
  const meta = readCheckpointMeta(cp.path);
  const run = catalog.runs.get(cp.runId);
  const composers = (run.config as { composers?: string[] | null }).composers ?? null;
  const train = catalog.listPieces({ split: 'train' }).filter((p) => !composers || composers.includes(p.composer));
  const items = train.map((p) => ({ pieceId: p.id, shift: 0 }));
  const originals = train.map((p) => {
    const { notes, ppq } = catalog.pieceNotes(p.id);
    return quantize(notes, ppq, meta.encodingOptions);
  });
  const shipped = {
    ...meta,
    optimizer: null,
    typicalBpm: meta.typicalBpm ?? typicalBpm(catalog, items),
    typicalVelocity: meta.typicalVelocity ?? typicalVelocity(originals),
    noteLimits: meta.noteLimits ?? learnNoteLimits(originals, meta.encodingOptions),
  };
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(cp.path, 'weights.bin'), path.join(out, 'weights.bin'));
  fs.writeFileSync(path.join(out, 'checkpoint.json'), JSON.stringify(shipped));
  process.stdout.write(
    `${out}: run ${cp.runId} step ${cp.step}, validation loss ${cp.valLoss?.toFixed(4) ?? '?'}, typical tempo ${shipped.typicalBpm} bpm\n`,
  );
} finally {
  catalog.close();
}
