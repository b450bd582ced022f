import fs from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import type { PromptSpec, SampleOptions, SampleRow } from '../catalog/samples';
import { codecOf, quantize, transpose, type EncodingOptions, type StepNote } from '../encoding';
import { openingTiming } from '../midi/tempo';
import type { PieceTiming, TickNote } from '../midi/types';
import { keyName, keyOfSteps, shiftBetween, type Key } from './key';
import { ClaraError } from '../errors';
import { readUserFile } from '../files';
import { readMidi } from '../midi/read';
import { loadCheckpoint } from '../model/checkpoint';
import { resolveCheckpoint } from '../train/checkpointRef';
import { Vocab } from '../train/vocab';
import { generate, type GenerateRequest } from './generate';
import { DEFAULT_SOLO, soloById, soloByProgram, type SoloId, type SoloInstrument } from '../../shared/instruments';
import type { TrackInfo } from '../midi/types';
import { resolveSampling, type SamplingRequest } from '../../shared/sampling';

// The catalog owns how samples are stored; these are re-exported for generation's callers.
export type { PromptSpec, SampleQuery, SampleRow, SampleSort } from '../catalog/samples';

export interface GenerateSamplesArgs extends Omit<
  GenerateRequest,
  'prompt' | 'key' | 'tempo' | 'timeSignature' | 'noteLimits' | 'solo' | 'sampling'
> {
  checkpoint: string;
  /** What is left out is the checkpoint's encoding's default. */
  sampling?: SamplingRequest;
  prompt: PromptSpec;
  promptWords?: number;
  outDir?: string;
  /** Generate in this key: the prompt is moved into it, and the opening leans toward it. */
  key?: Key;
  /** Tempo to write, in quarter notes a minute: else the prompt's, else the training pieces' typical one. */
  bpm?: number;
  /** The solo part's instrument: else the prompt's solo part's, else the training pieces' most common, else violin. */
  solo?: SoloId;
}

/** A prompt read from wherever it comes from: its step notes, and how to find its timing. */
interface ResolvedPrompt {
  notes: StepNote[];
  /** Tempo and metre of the opening up to a step (the prompt's end). */
  timingUntil: ((step: number) => { bpm: number; numerator: number; denominator: number }) | null;
  parentId: number | null;
  /** The prompt's solo instrument: its solo track with the most notes, when the table knows its program. */
  solo: SoloInstrument | null;
}

/** The instrument of the busiest solo track, or null when there is none (or none the table knows). */
function soloOfTracks(tracks: readonly Pick<TrackInfo, 'role' | 'program' | 'noteCount'>[]): SoloInstrument | null {
  const solos = tracks
    .filter((t) => t.role === 'solo' && soloByProgram(t.program))
    .sort((a, b) => b.noteCount - a.noteCount);
  return solos.length ? soloByProgram(solos[0]!.program) : null;
}

/**
 * Which instrument a sample's solo part is written for: the one asked for; else the prompt's solo
 * part's, so a prompt with a cello part continues as cello; else the most common solo instrument of
 * the catalog's training pieces with piano and solo parts; else the violin (Clara's solo voice).
 */
export function chooseSolo(catalog: Catalog, asked: SoloId | undefined, prompt: SoloInstrument | null): SoloInstrument {
  if (asked) return soloById(asked);
  if (prompt) return prompt;
  for (const { program } of catalog.trainingSoloPrograms()) {
    const known = soloByProgram(program);
    if (known) return known;
  }
  return soloById(DEFAULT_SOLO);
}

function resolvePrompt(catalog: Catalog, spec: PromptSpec, o: EncodingOptions): ResolvedPrompt {
  const from = (
    notes: { notes: TickNote[]; ppq: number },
    timing: PieceTiming,
    parentId: number | null,
    tracks: readonly Pick<TrackInfo, 'role' | 'program' | 'noteCount'>[],
  ): ResolvedPrompt => ({
    notes: quantize(notes.notes, notes.ppq, o),
    timingUntil: (step) => openingTiming(timing, notes.ppq, (step * notes.ppq) / o.sampleFreq),
    parentId,
    solo: soloOfTracks(tracks),
  });
  const fromFile = (file: string, parentId: number | null): ResolvedPrompt => {
    const piece = readMidi(readUserFile(file), { path: file });
    return from(piece, piece, parentId, piece.tracks);
  };
  switch (spec.kind) {
    case 'none':
      return { notes: [], timingUntil: null, parentId: null, solo: null };
    case 'piece':
      return from(
        catalog.pieceNotes(spec.pieceId),
        catalog.pieceTiming(spec.pieceId),
        null,
        catalog.getPiece(spec.pieceId).tracks,
      );
    case 'file':
      return fromFile(spec.path, null);
    case 'sample':
      return fromFile(catalog.samples.get(spec.sampleId).file, spec.sampleId);
  }
}

/**
 * Generates samples from a checkpoint, writes each as a MIDI file and records it in the catalog
 * with everything needed to make it again: checkpoint, prompt, options, seed and batch position.
 */
export function generateSamples(
  catalog: Catalog,
  dataDir: string,
  args: GenerateSamplesArgs,
  onProgress?: (done: number, total: number) => void,
): SampleRow[] {
  const cp = resolveCheckpoint(catalog, args.checkpoint);
  const { model, meta } = loadCheckpoint(cp.path);
  try {
    const vocab = new Vocab(meta.vocab);
    const codec = codecOf(meta);
    const o = codec.options;
    const take = args.promptWords ?? 200;
    const prompt = resolvePrompt(catalog, args.prompt, o);
    if (args.prompt.kind !== 'none' && prompt.notes.length === 0)
      throw new ClaraError('has no notes to continue from', 'bad-prompt', 'prompt');
    // The opening in the model's words; then, for a chosen key, moved there by the smallest shift.
    let words = codec
      .encode(
        prompt.notes,
        prompt.notes.some((n) => n.voice === 'v'),
      )
      .slice(0, take);
    const timing = prompt.timingUntil?.(codec.stepsOf(words)) ?? null;
    if (args.key && words.length) {
      const opening = codec.decode(words).notes;
      const from = keyOfSteps(opening, o);
      if (from) {
        const moved = transpose(opening, shiftBetween(from, args.key), o);
        words = codec.encode(
          moved,
          moved.some((n) => n.voice === 'v'),
        );
      }
    }
    // A continuation leans toward its prompt's key as a chosen key would (it may still modulate).
    const lean = args.key ?? (words.length ? (keyOfSteps(codec.decode(words).notes, o) ?? undefined) : undefined);
    const bpm = args.bpm ?? timing?.bpm ?? meta.typicalBpm ?? 120;
    const timeSignature = timing ? { numerator: timing.numerator, denominator: timing.denominator } : undefined;
    const solo = chooseSolo(catalog, args.solo, prompt.solo);
    const sampling = resolveSampling(args.sampling ?? {}, meta.encoding);
    const samples = generate(
      model,
      vocab,
      codec,
      {
        ...args,
        sampling,
        prompt: words,
        noteLimits: meta.noteLimits,
        tempo: bpm,
        timeSignature,
        key: lean,
        keySignature: args.key,
        velocity: meta.typicalVelocity,
        solo,
      },
      onProgress,
    );
    const outDir = args.outDir ?? path.join(dataDir, 'samples');
    fs.mkdirSync(outDir, { recursive: true });
    const createdAt = new Date().toISOString();
    const promptJson = { ...args.prompt, words: words.length };
    const options: SampleOptions = {
      sampling,
      tokens: args.tokens ?? null,
      seconds: args.seconds ?? null,
      tempo: bpm,
      meter: `${timeSignature?.numerator ?? 4}/${timeSignature?.denominator ?? 4}`,
      key: args.key ? keyName(args.key) : null,
      solo: solo.id,
      includePrompt: args.includePrompt ?? false,
      promptWords: take,
    };
    return samples.map((s) =>
      catalog.samples.add(
        {
          createdAt,
          runId: cp.runId,
          checkpointPath: cp.path,
          checkpointStep: cp.step,
          encoding: meta.encoding,
          prompt: promptJson,
          options,
          seed: args.seed,
          batchIndex: s.index,
          durationS: s.seconds,
          tokens: s.tokens,
          noteCount: s.noteCount,
          title: `Sample ${args.seed}-${s.index + 1}`,
          parentId: prompt.parentId,
          solo: s.hasSolo ? solo.id : null,
        },
        (id) => {
          const file = path.join(outDir, `sample-${String(id).padStart(5, '0')}.mid`);
          fs.writeFileSync(file, s.midi);
          return file;
        },
      ),
    );
  } finally {
    model.dispose();
  }
}
