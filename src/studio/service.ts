import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../core/catalog/catalog';
import type { ImportFailure, ImportRecord, PieceDetail, PieceQuery, PieceSummary } from '../core/catalog/types';
import { demoCorpusDir } from '../core/corpus/demo';
import { ClaraError } from '../core/errors';
import { readUserFile } from '../core/files';
import { readMidi } from '../core/midi/read';
import { notesInSeconds, sliceMidi } from '../core/midi/slice';
import type { SampleQuery, SampleRow } from '../core/catalog/samples';
import type {
  ApiInput,
  ApiOutputs,
  Capabilities,
  CatalogSummary,
  NoteArrays,
  RunInfo,
  RunMetrics,
} from '../shared/api';
import type { ApiMethod, JobInfo } from '../shared/methods';
import { resumeRefusal } from '../shared/runStatus';
import type { JobSpec } from '../core/jobs/spec';
import { resolveUntil } from '../core/train/until';
import { parseKey } from '../core/generate/key';
import { renderMidi } from '../core/audio/render';
import { JobManager } from './jobs';

type GenerateSpecPrompt = Extract<JobSpec, { kind: 'generate' }>['prompt'];

type Handlers = { [M in ApiMethod]: (input: ApiInput<M>) => ApiOutputs[M] | Promise<ApiOutputs[M]> };

/**
 * The engine's side of the studio's API, shared by the Electron main process and the served twin.
 * Inputs arrive already validated by the shell that received them (src/shared/api.ts).
 */
export class StudioService {
  readonly jobs: JobManager;
  /** The desktop shell fills these in; the served twin has no native dialogs. */
  desktop: { importDialog: (folders: boolean) => Promise<string[]> } | null = null;

  constructor(
    readonly catalog: Catalog,
    readonly dataDir: string,
    readonly version = '0.1.0',
  ) {
    this.jobs = new JobManager(catalog, dataDir);
  }

  private uploadsDir(batch: string): string {
    return path.join(this.dataDir, 'uploads', batch);
  }

  /** A validated upload path resolved inside its batch folder, checked again after resolving. */
  private uploadFilePath(batch: string, rel: string): string {
    const root = this.uploadsDir(batch);
    const file = path.resolve(root, ...rel.split(/[\\/]/));
    if (!file.startsWith(root + path.sep))
      throw new ClaraError('must stay inside the upload folder', 'bad-payload', 'path');
    return file;
  }

  /** A sample's MIDI, whole or a region of it (cut as its own file), and the name to export it under (no extension). */
  private sampleExport(id: number, fromS?: number, toS?: number): { name: string; bytes: Uint8Array } {
    const s = this.catalog.samples.get(id);
    const bytes = readUserFile(s.file);
    const base =
      s.title
        .replace(/[^\w\- ]+/g, '')
        .trim()
        .replace(/\s+/g, '-') || `sample-${id}`;
    if (fromS !== undefined && toS !== undefined) {
      if (toS <= fromS) throw new ClaraError('must be after fromS', 'bad-payload', 'toS');
      return { name: `${base}-${fromS.toFixed(1)}-${toS.toFixed(1)}s`, bytes: sliceMidi(bytes, fromS, toS) };
    }
    return { name: base, bytes };
  }

  private noteArraysOfPiece(id: number): NoteArrays {
    const piece = this.catalog.getPiece(id);
    const { ppq, notes } = this.catalog.pieceNotes(id);
    const solo = piece.tracks.find((t) => t.role === 'solo');
    return {
      ...notesInSeconds(notes, ppq, piece.durationBeats * ppq, piece.durationSeconds, piece.timing.tempos),
      soloProgram: solo ? solo.program : null,
    };
  }

  private noteArraysOfSample(s: SampleRow): NoteArrays {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(s.file);
    } catch (err) {
      throw new ClaraError(
        `the sample's MIDI file is gone (${(err as NodeJS.ErrnoException).code})`,
        'not-found',
        s.file,
      );
    }
    const piece = readMidi(bytes, { pedal: false, path: s.file });
    const solo = piece.tracks.find((t) => t.role === 'solo');
    return {
      ...notesInSeconds(piece.notes, piece.ppq, piece.durationTicks, piece.durationSeconds, piece.tempos),
      soloProgram: solo ? solo.program : null,
    };
  }

  private runInfo(): RunInfo[] {
    const cps = this.catalog.runs.checkpoints();
    return this.catalog.runs.list().map((r) => ({
      ...r,
      checkpoints: cps.filter((c) => c.runId === r.id).sort((a, b) => a.kind.localeCompare(b.kind)),
      jobId: this.jobs.runningFor(r.id)?.info.id ?? null,
    }));
  }

  private trainJob(title: string, spec: JobSpec, runId?: string): JobInfo {
    return this.jobs.startChild('train', title, spec, {
      runId,
      finalEvent: 'end',
      onEvent: (job, e) => {
        this.jobs.emit({ type: 'train', runId: e.runId, event: e });
        if (e.type === 'start') this.jobs.emit({ type: 'changed', what: 'runs' });
        if (e.type === 'step')
          this.jobs.update(job, {
            done: Math.round(e.progress * 1000),
            total: 1000,
            detail: `step ${e.step}, loss ${e.ce.toFixed(3)}, ${Math.round(e.tokensPerSec)} tok/s`,
          });
        if (e.type === 'checkpoint') this.jobs.emit({ type: 'changed', what: 'runs' });
      },
      onEnd: (job, _ok, events) => {
        const end = events.find((e) => e.type === 'end');
        this.jobs.emit({ type: 'changed', what: 'runs' });
        // The trainer wrote how its run ended; the job only reports it.
        if (end?.status === 'paused' || (!end && job.request && job.request !== 'stop'))
          return { status: 'cancelled', result: `paused at step ${end?.step ?? '?'}` };
        return end
          ? {
              result: `${end.status} at step ${end.step}: ${end.reason}`,
              status: end.status === 'failed' ? 'failed' : 'done',
            }
          : undefined;
      },
    });
  }

  private trainingJobFor(runId: string) {
    const job = this.jobs.runningFor(runId);
    if (!job) throw new ClaraError('is not training in this studio', 'not-running', `run ${runId}`);
    return job;
  }

  readonly handlers: Handlers = {
    capabilities: (): Capabilities => ({ desktop: this.desktop !== null, backend: 'auto', version: this.version }),
    catalogSummary: (): CatalogSummary => {
      const c = this.catalog.countPieces();
      return {
        total: c.total,
        train: c.train,
        test: c.test,
        notes: c.notes,
        composers: this.catalog.composers(),
        dataDir: this.dataDir,
      };
    },
    listPieces: (q): PieceSummary[] => this.catalog.listPieces(q as PieceQuery),
    getPiece: ({ id }): PieceDetail => this.catalog.getPiece(id),
    pieceNotes: ({ id }) => this.noteArraysOfPiece(id),
    updatePiece: ({ id, composer, title }) => {
      const p = this.catalog.updatePiece(id, { composer, title });
      this.jobs.emit({ type: 'changed', what: 'pieces' });
      return p;
    },
    removePiece: ({ id }) => {
      this.catalog.removePiece(id);
      this.jobs.emit({ type: 'changed', what: 'pieces' });
      return { removed: id };
    },
    listImports: ({ limit }): ImportRecord[] => this.catalog.listImports(limit),
    importFailures: ({ importId }): ImportFailure[] => this.catalog.importFailures(importId),
    importDemo: () => this.jobs.startImport([demoCorpusDir()], 'Demo corpus'),
    importDialog: async ({ folders }) => {
      if (!this.desktop)
        throw new ClaraError(
          'is only in the desktop app; drop files or use the file picker',
          'unsupported',
          'importDialog',
        );
      const paths = await this.desktop.importDialog(folders ?? true);
      return paths.length
        ? this.jobs.startImport(paths, paths.length === 1 ? path.basename(paths[0]!) : `${paths.length} items`)
        : null;
    },
    uploadFile: ({ batch, path: rel, dataBase64 }) => {
      const file = this.uploadFilePath(batch, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.from(dataBase64, 'base64'));
      return { stored: rel };
    },
    importUploads: ({ batch }) => {
      const dir = this.uploadsDir(batch);
      if (!fs.existsSync(dir)) throw new ClaraError('has no uploaded files', 'not-found', `upload ${batch}`);
      return this.jobs.startImport([dir], 'Dropped files');
    },
    listJobs: () => this.jobs.list(),
    cancelJob: ({ id }) => {
      const info = this.jobs.cancel(id);
      if (!info) throw new ClaraError('no such job', 'not-found', `job ${id}`);
      return info;
    },
    listRuns: () => this.runInfo(),
    runMetrics: ({ runId }): RunMetrics => {
      this.catalog.runs.get(runId);
      const out: RunMetrics = { train: [], eval: [] };
      for (const m of this.catalog.runs.metrics(runId)) {
        if (m.kind === 'train') {
          const { kind: _kind, ...point } = m;
          out.train.push(point);
        } else {
          const { kind: _kind, ...point } = m;
          out.eval.push(point);
        }
      }
      return out;
    },
    startTraining: (o) =>
      this.trainJob(`Training ${o.preset} ${o.encoding}`, {
        ...o,
        kind: 'train',
        // Resolved here, so a bad time is refused before a child starts.
        until: o.until ? resolveUntil(o.until, new Date(), 'until') : undefined,
      }),
    pauseRun: ({ runId }) => {
      const job = this.trainingJobFor(runId);
      this.jobs.requestRun(job, 'pause');
      return { ...job.info };
    },
    stopRun: ({ runId }) => {
      const job = this.trainingJobFor(runId);
      this.jobs.requestRun(job, 'stop');
      return { ...job.info };
    },
    resumeRun: ({ runId }) => {
      const run = this.catalog.runs.get(runId);
      const refusal = this.jobs.runningFor(runId) ? 'busy' : resumeRefusal(run.status, { newBudget: false });
      if (refusal === 'busy') throw new ClaraError('is already training', 'busy', `run ${runId}`);
      if (refusal === 'finished')
        throw new ClaraError('has finished; start a new run to train more', 'finished', `run ${runId}`);
      return this.trainJob(`Resuming ${runId}`, { kind: 'resume', runId }, runId);
    },
    listSamples: (q): SampleRow[] => this.catalog.samples.list(q as SampleQuery),
    generate: (o) => {
      let prompt: GenerateSpecPrompt =
        o.prompt.kind === 'piece'
          ? { kind: 'piece', pieceId: o.prompt.pieceId }
          : o.prompt.kind === 'sample'
            ? { kind: 'sample', sampleId: this.catalog.samples.get(o.prompt.sampleId).id }
            : { kind: 'none' };
      if (o.prompt.kind === 'upload') {
        const file = this.uploadFilePath(o.prompt.batch, o.prompt.path);
        if (!fs.existsSync(file)) throw new ClaraError('was not uploaded', 'not-found', o.prompt.path);
        prompt = { kind: 'file', path: file };
      }
      const spec: JobSpec = {
        ...o,
        kind: 'generate',
        prompt,
        score: true,
        key: o.key ? parseKey(o.key, 'key') : undefined,
      };
      return this.jobs.startChild('generate', `Generating ${o.count} × ${o.seconds} s`, spec, {
        finalEvent: 'end',
        onEvent: (job, e) => {
          if (e.type === 'progress')
            this.jobs.update(job, {
              done: e.done,
              total: e.total,
              detail: e.phase === 'score' ? 'scoring' : 'sampling',
            });
        },
        onEnd: (_job, ok, events) => {
          this.jobs.emit({ type: 'changed', what: 'samples' });
          const end = events.find((e) => e.type === 'end');
          if (ok && end)
            return { result: `${end.ids.length} samples${end.scoreError ? `; not scored: ${end.scoreError}` : ''}` };
        },
      });
    },
    sampleNotes: ({ id }) => this.noteArraysOfSample(this.catalog.samples.get(id)),
    sampleMidi: ({ id, fromS, toS }) => {
      const { name, bytes } = this.sampleExport(id, fromS, toS);
      return { name: `${name}.mid`, dataBase64: Buffer.from(bytes).toString('base64') };
    },
    renderSample: async ({ id, fromS, toS, sampleRate }) => {
      const { name, bytes } = this.sampleExport(id, fromS, toS);
      const r = await renderMidi(bytes, this.catalog.samples.get(id).file, { sampleRate });
      const dir = path.join(this.dataDir, 'exports');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.wav`);
      fs.writeFileSync(file, r.wav);
      return { name: `${name}.wav`, file, seconds: r.seconds, dataBase64: Buffer.from(r.wav).toString('base64') };
    },
    updateSample: ({ id, ...changes }) => {
      const r = this.catalog.samples.update(id, changes);
      this.jobs.emit({ type: 'changed', what: 'samples' });
      return r;
    },
    deleteSample: ({ id }) => {
      this.catalog.samples.remove(id);
      this.jobs.emit({ type: 'changed', what: 'samples' });
      return { deleted: id };
    },
    scoreSamples: ({ ids }) =>
      this.jobs.startChild(
        'score',
        `Scoring ${ids.length || 'all'} samples`,
        { kind: 'score', ids },
        {
          onEnd: () => this.jobs.emit({ type: 'changed', what: 'samples' }),
        },
      ),
  };

  /** Routes a call the shell has validated. */
  async call(method: ApiMethod, input: unknown): Promise<unknown> {
    return (this.handlers[method] as (i: unknown) => unknown)(input);
  }

  /**
   * Called by the shells once they are up: runs that were training when the studio last closed
   * carry on. Runs that ended otherwise (finished, stopped, crashed: interrupted) only report how.
   */
  resumeRunsPausedByClosing(): JobInfo[] {
    return this.catalog.runs
      .list()
      .filter((r) => r.status === 'paused' && r.endCode === 'studio-closed')
      .map((r) => this.trainJob(`Resuming ${r.id}`, { kind: 'resume', runId: r.id }, r.id));
  }

  /** Path of a sample's MIDI file, for the desktop shell's drag-out (the renderer never sees it). */
  sampleFile(id: number): string {
    return this.catalog.samples.get(id).file;
  }
}
