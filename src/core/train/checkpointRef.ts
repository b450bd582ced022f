import type { Catalog } from '../catalog/catalog';
import type { CheckpointRow } from '../catalog/runs';
import { bundledModelDir } from '../corpus/demo';
import { ClaraError } from '../errors';

/**
 * A checkpoint named the way a user names one: its id (`clara runs`), `latest` or `best` (of the
 * most recent run), or `RUN:latest` / `RUN:best`.
 */
export function resolveCheckpoint(catalog: Catalog, ref: string): CheckpointRow {
  if (/^\d+$/.test(ref)) return catalog.runs.checkpoint(Number(ref));
  const m = /^(?:([\w-]+):)?(latest|best)$/.exec(ref);
  if (!m)
    throw new ClaraError(
      `"${ref}" is not a checkpoint id, latest, best, or RUN:latest|best`,
      'bad-option',
      'checkpoint',
    );
  const runId = m[1] ?? catalog.runs.list()[0]?.id;
  if (!runId) {
    const bundled = bundledModelDir();
    if (bundled)
      return {
        id: 0,
        runId: 'bundled',
        kind: 'best',
        step: 0,
        epoch: 0,
        valLoss: null,
        trainLoss: null,
        path: bundled,
        createdAt: '',
      };
    throw new ClaraError('no training runs yet: train one with `clara train`', 'not-found', 'checkpoint');
  }
  const found = catalog.runs.checkpoints(runId).find((c) => c.kind === m[2]);
  if (!found) throw new ClaraError(`run ${runId} has no ${m[2]} checkpoint yet`, 'not-found', 'checkpoint');
  return found;
}
