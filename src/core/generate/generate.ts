import type { Codec, StepNote } from '../encoding';
import { ClaraError } from '../errors';
import { writeMidiCounted } from '../encoding/toMidi';
import type { GmInstrument } from '../../shared/instruments';
import type { AwdLstm } from '../model/awdLstm';
import { disposeStates } from '../model/lstm';
import * as tf from '../model/tf';
import { tidyKeep } from '../model/tidy';
import { mulberry32 } from '../train/rng';
import { EOS, Vocab } from '../train/vocab';
import type { GrammarRules } from './grammar';
import { defaultNoteLimits, type NoteLimits } from './noteLimits';
import { keySignatureOf, scalePitchClasses, tonicTriad, type Key } from './key';
import { checkSampling, sampleIndex, type SamplingOptions } from './sampler';

/** The longest sample one request may ask for: an hour of music (as the studio's API allows), or 100,000 words. */
export const MAX_SAMPLE_SECONDS = 3600;
export const MAX_SAMPLE_WORDS = 100_000;

export interface GenerateRequest {
  /** How many samples, generated together as one batch. */
  count: number;
  /** Stop after this many generated words, or this many seconds of music (at `tempo`), whichever is given. */
  tokens?: number;
  seconds?: number;
  sampling: SamplingOptions;
  seed: number;
  /** Words the samples continue from (already in the model's encoding); none starts a new piece. */
  prompt?: string[];
  tempo?: number;
  /** The solo part's instrument: its program and track name, and the range its `v` notes are moved into. */
  solo?: GmInstrument;
  /** Note lengths learnt with the model (from its checkpoint); the corpus defaults otherwise. */
  noteLimits?: NoteLimits;
  /** Extra log-odds of ending a note at its hard limit, ramping up from its soft one; 0 turns it off. */
  endBias?: number;
  /** Lean toward this key for the first bars (the prompt is already in it, if there is one). */
  key?: Key;
  keyStrength?: number;
  /** Share of the key's pull kept after the opening (0: only the opening leans). */
  keyHold?: number;
  /** The key signature to write (a key the user asked for; a lean alone writes none). */
  keySignature?: Key;
  /** Write the prompt into the sample before the continuation, so it plays in context. */
  includePrompt?: boolean;
  timeSignature?: { numerator: number; denominator: number };
  /** Velocity of notes the text gives no dynamics for (chordwise; older notewise): the corpus median. */
  velocity?: number;
}

/**
 * Log-odds taken from notes outside the chosen key at the start, fading over KEY_FADE_BEATS to
 * DEFAULT_KEY_HOLD of it. On the shipped model (8 × 30 s per key, seed 11), whole samples came out
 * in the key or a related one for D minor 6/8, A major 7/8, Eb major 8/8, F# minor 6/8; with the
 * pull only in the opening (hold 0, strength 2-6) D minor was 3/8.
 */
export const DEFAULT_KEY_STRENGTH = 4;
const KEY_FADE_BEATS = 16;
export const DEFAULT_KEY_HOLD = 0.3;

/**
 * Log-odds added to ending a note that has sounded to its hard limit (from 0 at its soft one).
 * Chosen with the music benchmark on the shipped model (16 × 60 s, seed 7): 0 → 41% of note-time in
 * notes of 4+ beats, 3 → 33%, 10 → 17%, 15 → 15% (polyphony 3.9, human 3.7-4.4), 25 → 7% (3.4).
 */
export const DEFAULT_END_BIAS = 15;

export interface GeneratedSample {
  index: number;
  words: string[];
  notes: StepNote[];
  midi: Uint8Array;
  /** Notes in the file (the solo part's move into its range can merge two onsets on one key). */
  noteCount: number;
  /** Whether the file has a solo part. */
  hasSolo: boolean;
  seconds: number;
  tokens: number;
}

/**
 * Samples new music word by word from a model, all `count` samples in one batch, each with its own
 * seeded random stream (same checkpoint, prompt, options and seed give byte-identical MIDI). Notewise
 * output obeys the grammar: an end only for a sounding note, and every note closed at the end.
 */
export function generate(
  model: AwdLstm,
  vocab: Vocab,
  codec: Codec,
  req: GenerateRequest,
  onProgress?: (done: number, total: number) => void,
): GeneratedSample[] {
  const options = codec.options;
  checkSampling(req.sampling);
  if (!(req.count >= 1 && req.count <= 256)) throw new ClaraError('must be from 1 to 256', 'bad-option', 'count');
  if (req.tokens === undefined && req.seconds === undefined)
    throw new ClaraError('give a length in words or in seconds', 'bad-option', 'length');
  if (
    req.tokens !== undefined &&
    !(Number.isInteger(req.tokens) && req.tokens >= 1 && req.tokens <= MAX_SAMPLE_WORDS)
  ) {
    throw new ClaraError(`must be from 1 to ${MAX_SAMPLE_WORDS} words`, 'bad-option', 'length');
  }
  if (req.seconds !== undefined && !(req.seconds > 0 && req.seconds <= MAX_SAMPLE_SECONDS))
    throw new ClaraError(`must be above 0 and at most ${MAX_SAMPLE_SECONDS} seconds`, 'bad-option', 'length');
  const tempo = req.tempo ?? 120;
  const secondsPerStep = 60 / tempo / options.sampleFreq;
  const maxTokens = req.tokens ?? Math.ceil((req.seconds! / secondsPerStep) * 4) + 200;
  const targetSteps = req.seconds !== undefined ? Math.round(req.seconds / secondsPerStep) : Number.POSITIVE_INFINITY;
  const B = req.count;
  const prompt = req.prompt?.length ? req.prompt : [EOS];
  const promptIds = vocab.ids(prompt);

  const rules: GrammarRules = {
    soloLow: options.soloLow,
    limits: req.noteLimits?.sampleFreq === options.sampleFreq ? req.noteLimits : defaultNoteLimits(options),
    endBias: req.endBias ?? DEFAULT_END_BIAS,
    // An unprompted piece opens with a note; a continuation may rest for up to a beat first.
    openingSilence: req.prompt?.length ? options.sampleFreq : 0,
    key: req.key
      ? {
          scale: scalePitchClasses(req.key),
          triad: tonicTriad(req.key),
          strength: req.keyStrength ?? DEFAULT_KEY_STRENGTH,
          fadeSteps: KEY_FADE_BEATS * options.sampleFreq,
          hold: req.keyHold ?? DEFAULT_KEY_HOLD,
          rangeLow: options.rangeLow,
        }
      : undefined,
  };
  const grammars = Array.from({ length: B }, () => codec.grammar(vocab, rules));
  for (const g of grammars) {
    for (const id of promptIds) g.push(id);
    g.beginGenerated();
  }
  const startSteps = grammars[0]!.steps;
  const rands = Array.from({ length: B }, (_, b) => mulberry32((req.seed >>> 0) * 2654435761 + b * 40503 + 1));
  const out: number[][] = Array.from({ length: B }, () => []);
  const done = new Array<boolean>(B).fill(false);
  const allowedFor = (b: number) => (i: number) => i >= 3 && grammars[b]!.allowed(i); // not <pad> <unk> <eos>

  // The output layer scores only the last position: a prompt's earlier logits are never read, and
  // at a chordwise vocabulary they were [prompt × samples × 36k] floats.
  const decoder = model.decoder();
  let state = model.zeroState(B);
  const step = (tokens: () => tf.Tensor2D): Float32Array => {
    const r = tidyKeep(() => {
      const x = model.encode(tokens(), state);
      const [T, , E] = x.output.shape;
      const last = tf.reshape(tf.slice(x.output, [T - 1, 0, 0], [1, B, E]), [B, E]) as tf.Tensor2D;
      return { logits: decoder.logits(last), state: x.state };
    });
    disposeStates(state);
    state = r.state;
    const logits = r.logits.dataSync() as Float32Array;
    r.logits.dispose();
    return logits;
  };
  try {
    // Warm the state on the prompt, all of it at once.
    let logits = step(() =>
      tf.tensor2d(
        Array.from(promptIds, (id) => Array(B).fill(id) as number[]),
        [promptIds.length, B],
        'int32',
      ),
    );
    const V = vocab.size;
    for (let n = 0; n < maxTokens; n++) {
      const next = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          next[b] = vocab.eos;
          continue;
        }
        const row = logits.subarray(b * V, (b + 1) * V);
        grammars[b]!.bias(row);
        const id = sampleIndex(row, req.sampling, rands[b]!, allowedFor(b));
        next[b] = id;
        out[b]!.push(id);
        grammars[b]!.push(id);
        if (grammars[b]!.steps - startSteps >= targetSteps || out[b]!.length >= maxTokens) done[b] = true;
      }
      onProgress?.(n + 1, maxTokens);
      if (done.every(Boolean)) break;
      logits = step(() => tf.tensor2d(next, [1, B], 'int32'));
    }
  } finally {
    disposeStates(state);
    decoder.dispose();
  }

  const written = req.includePrompt && req.prompt?.length ? req.prompt : [];
  return out.map((ids, index) => {
    const g = grammars[index]!;
    const words = [...vocab.wordsOf(ids), ...g.closing()];
    const { notes } = codec.decode([...written, ...words], req.velocity);
    // Music time includes rests: the grammar counted them as it went.
    const steps = g.musicSteps(written.length ? 0 : startSteps);
    const file = writeMidiCounted(notes, options, {
      tempo,
      solo: req.solo,
      timeSignature: req.timeSignature,
      keySignature: req.keySignature && keySignatureOf(req.keySignature),
    });
    return {
      index,
      words,
      notes,
      midi: file.bytes,
      noteCount: file.noteCount,
      hasSolo: notes.some((n) => n.voice === 'v'),
      seconds: steps * secondsPerStep,
      tokens: ids.length,
    };
  });
}
