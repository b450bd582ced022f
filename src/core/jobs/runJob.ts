import type { Catalog } from '../catalog/catalog';
import { scoreSamples } from '../critic/score';
import { errorMessage } from '../errors';
import { generateSamples } from '../generate/samples';
import { initBackend } from '../model/backend';
import { train } from '../train/trainer';
import type { GenerateJobEvent, JobEvent, ScoreJobEvent } from '../../shared/events';
import { trainOptionsOf, type ParsedJobSpec } from './spec';
import { samplingOf } from '../../shared/options';

// The events of each job kind are one schema with the studio that parses them (shared/events.ts).
export type { GenerateJobEvent, JobEvent, ScoreJobEvent };

/**
 * Runs a child job from its validated spec, reporting through `emit`. Returns the exit code: 1
 * when a training run failed (its end event says why), else 0; other failures throw.
 */
export async function runJob(
  catalog: Catalog,
  dataDir: string,
  spec: ParsedJobSpec,
  emit: (e: JobEvent) => void,
  signal?: AbortSignal,
): Promise<number> {
  switch (spec.kind) {
    case 'train': {
      const { kind: _kind, ...o } = spec;
      const r = await train(catalog, dataDir, trainOptionsOf(o), { onEvent: emit, signal });
      return r.status === 'failed' ? 1 : 0;
    }
    case 'resume': {
      const { kind: _kind, runId, ...o } = spec;
      const r = await train(catalog, dataDir, { resume: runId, ...o }, { onEvent: emit, signal });
      return r.status === 'failed' ? 1 : 0;
    }
    case 'generate': {
      // Each kind reports only its own events, so a field renamed in its schema fails here.
      const report: (e: GenerateJobEvent) => void = emit;
      await initBackend(spec.backend);
      const t0 = performance.now();
      let last = 0;
      const rows = generateSamples(
        catalog,
        dataDir,
        {
          checkpoint: spec.checkpoint,
          prompt: spec.prompt,
          promptWords: spec.promptWords,
          count: spec.count,
          seconds: spec.seconds,
          sampling: samplingOf(spec),
          seed: spec.seed,
          key: spec.key,
          bpm: spec.bpm,
          solo: spec.solo,
          includePrompt: spec.includePrompt,
        },
        (done, total) => {
          if (Date.now() - last > 200 || done === total) {
            last = Date.now();
            report({ type: 'progress', phase: 'generate', done, total });
          }
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      let scoreError: string | undefined;
      if (spec.score) {
        report({ type: 'progress', phase: 'score', done: 0, total: rows.length });
        try {
          scoreSamples(
            catalog,
            rows.map((r) => r.id),
          );
        } catch (err) {
          scoreError = errorMessage(err);
        }
      }
      report({ type: 'end', ids: rows.map((r) => r.id), seconds, scoreError });
      return 0;
    }
    case 'score': {
      const report: (e: ScoreJobEvent) => void = emit;
      report({ type: 'end', ...scoreSamples(catalog, spec.ids) });
      return 0;
    }
  }
}
