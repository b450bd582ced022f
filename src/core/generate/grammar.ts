import type { Voice } from '../midi/types';
import { DYNAMIC } from '../encoding/velocity';
import type { Vocab } from '../train/vocab';
import { limitOf, type NoteLimits } from './noteLimits';

const START = /^([pv])(\d+)$/;
const END = /^end([pv])(\d+)$/;
const WAIT = /^wait(\d+)$/;

type Kind = { t: 'start' | 'end'; key: number } | { t: 'wait'; n: number } | { t: 'dynamic' } | { t: 'other' };

export interface GrammarRules {
  /** The lowest key a solo (`v`) note may start on, so a violin part stays in violin range. */
  soloLow?: number;
  /** How long notes may last (learnt from the corpus): none means no limit. */
  limits?: NoteLimits;
  /** Extra log-odds for ending a note that has sounded up to its hard limit (ramps from the soft one). */
  endBias?: number;
  /**
   * Most steps without a new note at the start of what is generated (after `beginGenerated`): 0
   * makes an unprompted piece open with music; a continuation may breathe a little.
   */
  openingSilence?: number;
  /**
   * Lean toward a key: notes outside its scale lose `strength` log-odds at the start, fading over
   * `fadeSteps` steps of generated music to `hold` times that (so the piece may colour, but comes
   * home), and the opening's first quarter of that favours its tonic triad.
   */
  key?: {
    scale: ReadonlySet<number>;
    triad: ReadonlySet<number>;
    strength: number;
    fadeSteps: number;
    hold: number;
    rangeLow: number;
  };
}

/**
 * The rules an encoding's generated text obeys, read word by word: the prompt is pushed first, then
 * each generated word after its logits were biased and only allowed words were drawn.
 */
export interface Grammar {
  /** Music steps the text has passed, prompt included. */
  readonly steps: number;
  allowed(i: number): boolean;
  /** Adjusts the next word's logits in place before the draw. */
  bias(logits: Float32Array | number[]): void;
  push(i: number): void;
  /** The prompt has been read: from here on words are generated, and the opening rule applies. */
  beginGenerated(): void;
  /** Words that leave nothing hanging at the end. */
  closing(): string[];
  /** Steps the music spans from step `since` on, with what `closing` adds. */
  musicSteps(since: number): number;
}

/**
 * What may come next in notewise text, so generated music is always playable: an `end` only for a
 * sounding note, no second start of a key that still sounds, no special tokens; it counts time.
 * With note limits it also keeps every note within the lengths the corpus knows (a note the model
 * forgets to end would otherwise lock its key for the rest of the piece), and it can forbid a
 * silent opening.
 */
export class NotewiseGrammar implements Grammar {
  private readonly kind: Kind[];
  /** Key id → the vocabulary id of its `end` word. */
  private readonly endId: number[] = [];
  /** Key id → its [soft, hard] length in steps. */
  private readonly limit: Array<[number, number]> = [];
  /** Key id → the step it started on, while it sounds. */
  private readonly startedAt = new Map<number, number>();
  private readonly keyOf = new Map<string, number>();
  private readonly keyName: string[] = [];
  /** Key id → its key index in the range (pitch = rangeLow + index). */
  private readonly keyNumber: number[] = [];
  steps = 0;
  /** Notes started, and steps waited before the first of them, since `beginGenerated`. */
  private generatedNotes = 0;
  private generatedFrom = 0;
  private silence = 0;
  /** Derived after each word: keys that must end now, and the longest wait every sounding note allows. */
  private overdue: number[] = [];
  private maxWait = Number.POSITIVE_INFINITY;
  private lastWasDynamic = false;

  constructor(
    private readonly vocab: Vocab,
    private readonly rules: GrammarRules = {},
  ) {
    const soloLow = rules.soloLow ?? 0;
    this.kind = vocab.words.map((w, i): Kind => {
      const s = START.exec(w);
      if (s && s[1] === 'v' && Number(s[2]) < soloLow) return { t: 'other' };
      if (s) return { t: 'start', key: this.id(s[1] as Voice, Number(s[2])) };
      const e = END.exec(w);
      if (e) {
        const key = this.id(e[1] as Voice, Number(e[2]));
        this.endId[key] = i;
        return { t: 'end', key };
      }
      const wt = WAIT.exec(w);
      if (wt) return { t: 'wait', n: Number(wt[1]) };
      if (DYNAMIC.exec(w)) return { t: 'dynamic' };
      return { t: 'other' };
    });
  }

  private id(voice: Voice, key: number): number {
    const name = `${voice}${key}`;
    let v = this.keyOf.get(name);
    if (v === undefined) {
      v = this.keyName.length;
      this.keyOf.set(name, v);
      this.keyName.push(name);
      this.keyNumber.push(key);
      this.limit.push(
        this.rules.limits
          ? limitOf(this.rules.limits, voice, key)
          : [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
      );
    }
    return v;
  }

  /** Steps a note that started on `start` has sounded if it ends in the current step. */
  private age(start: number): number {
    return this.steps - start + 1;
  }

  allowed(i: number): boolean {
    const k = this.kind[i]!;
    if (k.t === 'other') return false;
    // A note at its limit ends before anything else happens.
    if (this.overdue.length) return k.t === 'end' && this.overdue.includes(k.key);
    // A dynamic only says how loud the next notes are: always fine, but never twice in a row.
    if (k.t === 'dynamic') return !this.lastWasDynamic;
    if (k.t === 'wait') {
      if (k.n > this.maxWait) return false;
      const opening = this.rules.openingSilence;
      return !(opening !== undefined && this.generatedNotes === 0 && this.silence + k.n > opening);
    }
    const on = this.startedAt.has(k.key);
    return k.t === 'end' ? on : !on;
  }

  /**
   * Raises the log-odds of ending notes that have sounded longer than most notes of their kind,
   * more the longer they sound, so notes end where music would end them rather than at the limit.
   */
  bias(logits: Float32Array | number[]): void {
    this.keyBias(logits);
    const strength = this.rules.endBias ?? 0;
    if (strength === 0) return;
    for (const [key, start] of this.startedAt) {
      const [soft, hard] = this.limit[key]!;
      const age = this.age(start);
      if (age > soft) logits[this.endId[key]!]! += (strength * (age - soft)) / Math.max(1, hard - soft);
    }
  }

  private keyBias(logits: Float32Array | number[]): void {
    const k = this.rules.key;
    if (!k) return;
    const fade = Math.max(k.hold, 1 - (this.steps - this.generatedFrom) / k.fadeSteps);
    if (fade <= 0) return;
    // The first beats state the key: its tonic triad is favoured until then.
    const opening = this.steps - this.generatedFrom < k.fadeSteps / 4;
    this.kind.forEach((w, i) => {
      if (w.t !== 'start') return;
      const pc = (k.rangeLow + this.keyNumber[w.key]!) % 12;
      if (!k.scale.has(pc)) logits[i]! -= k.strength * fade;
      else if (opening && k.triad.has(pc)) logits[i]! += k.strength / 2;
    });
  }

  push(i: number): void {
    const k = this.kind[i]!;
    this.lastWasDynamic = k.t === 'dynamic';
    if (k.t === 'wait') {
      this.steps += k.n;
      if (this.generatedNotes === 0) this.silence += k.n;
    } else if (k.t === 'start') {
      this.startedAt.set(k.key, this.steps);
      this.generatedNotes++;
    } else if (k.t === 'end') this.startedAt.delete(k.key);
    this.derive();
  }

  /** The prompt has been read: from here on words are generated, and the opening rule applies. */
  beginGenerated(): void {
    this.generatedFrom = this.steps;
    this.generatedNotes = 0;
    this.silence = 0;
  }

  private derive(): void {
    this.overdue = [];
    this.maxWait = Number.POSITIVE_INFINITY;
    for (const [key, start] of this.startedAt) {
      const left = this.limit[key]![1] - this.age(start);
      if (left <= 0) this.overdue.push(key);
      else if (left < this.maxWait) this.maxWait = left;
    }
  }

  /** Words that end every note still sounding, then the step's wait: nothing is left hanging. */
  closing(): string[] {
    const ends = [...this.startedAt.keys()].map((key) => `end${this.keyName[key]}`);
    return ends.length ? [...ends, 'wait1'] : [];
  }

  /** The closing `wait1`, or the step the last notes start in, counts. */
  musicSteps(since: number): number {
    return this.steps - since + 1;
  }

  /** Notes started since `beginGenerated`. */
  get generated(): number {
    return this.generatedNotes;
  }

  get vocabulary(): Vocab {
    return this.vocab;
  }
}
