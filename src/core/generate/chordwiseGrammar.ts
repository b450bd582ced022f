import { REST_CAP, REST_LOOKBACK } from '../encoding/chordwise';
import type { Vocab } from '../train/vocab';
import type { Grammar, GrammarRules } from './grammar';

const CHORD = /^(?:v([01]+))?p([01]+)$/;
const REST = /^r(\d+)$/;

/** A chord may be off limits (a solo part below its floor) and still count as a step when read. */
type Kind = { t: 'chord'; struck: number; ok: boolean } | { t: 'rest' } | { t: 'other' };

/** What the grammar reads of each word, under one set of rules. */
interface Tables {
  kind: Kind[];
  /** Rest count → its word's id, for the counts the vocabulary has. */
  restId: Map<number, number>;
  restIds: number[];
  /** Per word: keys outside the key's scale, and keys on its tonic triad (with a key rule). */
  key: { outOfScale: Float32Array; onTriad: Float32Array } | null;
}

/**
 * Tables by vocabulary and rules: a batch's samples each have a grammar with the same two, and
 * reading 36,409 chord words took 13–33 ms a grammar (a second for 32 samples in a key).
 */
const tablesCache = new WeakMap<Vocab, WeakMap<GrammarRules, Tables>>();

function tablesOf(vocab: Vocab, rules: GrammarRules): Tables {
  let byRules = tablesCache.get(vocab);
  if (!byRules) tablesCache.set(vocab, (byRules = new WeakMap()));
  const known = byRules.get(rules);
  if (known) return known;
  const soloLow = rules.soloLow ?? 0;
  const k = rules.key;
  const tables: Tables = {
    kind: [],
    restId: new Map(),
    restIds: [],
    key: k ? { outOfScale: new Float32Array(vocab.size), onTriad: new Float32Array(vocab.size) } : null,
  };
  vocab.words.forEach((w, i) => {
    const r = REST.exec(w);
    if (r) {
      tables.restId.set(Number(r[1]), i);
      tables.restIds.push(i);
      tables.kind.push({ t: 'rest' });
      return;
    }
    const c = CHORD.exec(w);
    if (!c) {
      tables.kind.push({ t: 'other' });
      return;
    }
    const lowest = c[1]?.indexOf('1') ?? -1;
    tables.kind.push({ t: 'chord', struck: (w.match(/1/g) ?? []).length, ok: !(lowest >= 0 && lowest < soloLow) });
    if (!k || !tables.key) return;
    for (const part of [c[1] ?? '', c[2]!])
      for (let key = part.indexOf('1'); key >= 0; key = part.indexOf('1', key + 1)) {
        const pc = (k.rangeLow + key) % 12;
        if (!k.scale.has(pc)) tables.key.outOfScale[i]!++;
        else if (k.triad.has(pc)) tables.key.onTriad[i]!++;
      }
  });
  byRules.set(rules, tables);
  return tables;
}

/**
 * What may come next in chordwise text (one word a step). A rest word's count (notes struck in the
 * last 10 steps) is not a choice but a fact of what came before, so the rest a step may take is
 * the one that fact names, and it carries the probability of every rest word: the model spreads
 * "no onset here" over r0…r51, and read word by word that rest lost to single chords (or, under
 * top-n, won as a wrong count fed back to the model). It also keeps the opening rule, a solo part
 * in its range, and the lean toward the prompt's key, chord by chord.
 */
export class ChordwiseGrammar implements Grammar {
  private readonly t: Tables;
  steps = 0;
  /** Notes struck at each of the last REST_LOOKBACK steps, oldest first. */
  private readonly recent: number[] = [];
  /** The rest word the next step may take (derived from `recent` after each word). */
  private rest: number | undefined;
  private generatedChords = 0;
  private generatedFrom = 0;
  private silence = 0;

  constructor(
    vocab: Vocab,
    private readonly rules: GrammarRules = {},
  ) {
    this.t = tablesOf(vocab, rules);
    this.rest = this.restHere();
  }

  /** The rest word this step may take: the count the encoder would write, or the nearest one known. */
  private restHere(): number | undefined {
    const n = Math.min(
      REST_CAP,
      this.recent.reduce((a, b) => a + b, 0),
    );
    const exact = this.t.restId.get(n);
    if (exact !== undefined) return exact;
    let best: number | undefined;
    let gap = Number.POSITIVE_INFINITY;
    for (const [m, id] of this.t.restId)
      if (Math.abs(m - n) < gap) {
        gap = Math.abs(m - n);
        best = id;
      }
    return best;
  }

  allowed(i: number): boolean {
    const k = this.t.kind[i]!;
    if (k.t === 'chord') return k.ok;
    if (k.t === 'other') return false;
    const opening = this.rules.openingSilence;
    if (opening !== undefined && this.generatedChords === 0 && this.silence + 1 > opening) return false;
    return i === this.rest;
  }

  /** Gathers every rest word's probability onto the one rest this step may take, then leans to the key. */
  bias(logits: Float32Array | number[]): void {
    const here = this.rest;
    if (here !== undefined) {
      let max = Number.NEGATIVE_INFINITY;
      for (const i of this.t.restIds) max = Math.max(max, logits[i]!);
      if (max > Number.NEGATIVE_INFINITY) {
        let sum = 0;
        for (const i of this.t.restIds) sum += Math.exp(logits[i]! - max);
        logits[here] = max + Math.log(sum);
      }
    }
    this.keyBias(logits);
  }

  private keyBias(logits: Float32Array | number[]): void {
    const k = this.rules.key;
    const words = this.t.key;
    if (!k || !words) return;
    const fade = Math.max(k.hold, 1 - (this.steps - this.generatedFrom) / k.fadeSteps);
    if (fade <= 0) return;
    // The first beats state the key: its tonic triad is favoured until then.
    const opening = this.steps - this.generatedFrom < k.fadeSteps / 4;
    for (let i = 0; i < logits.length; i++) {
      logits[i]! -= k.strength * fade * words.outOfScale[i]!;
      if (opening) logits[i]! += (k.strength / 2) * words.onTriad[i]!;
    }
  }

  push(i: number): void {
    const k = this.t.kind[i]!;
    if (k.t === 'other') return;
    this.recent.push(k.t === 'chord' ? k.struck : 0);
    if (this.recent.length > REST_LOOKBACK) this.recent.shift();
    this.rest = this.restHere();
    this.steps++;
    if (k.t === 'chord') this.generatedChords++;
    else if (this.generatedChords === 0) this.silence++;
  }

  beginGenerated(): void {
    this.generatedFrom = this.steps;
    this.generatedChords = 0;
    this.silence = 0;
  }

  /** A chord sounds until the next onset: nothing is left to end. */
  closing(): string[] {
    return [];
  }

  musicSteps(since: number): number {
    return this.steps - since;
  }
}
