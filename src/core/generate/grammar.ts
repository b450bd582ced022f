import type { Vocab } from '../train/vocab';

const START = /^([pv])(\d+)$/;
const END = /^end([pv])(\d+)$/;
const WAIT = /^wait(\d+)$/;

/**
 * What may come next in notewise text, so generated music is always playable: an `end` only for a
 * sounding note, no second start of a key that still sounds, no special tokens; it counts time.
 */
export class NotewiseGrammar {
  private readonly sounding = new Set<number>();
  private readonly kind: Array<{ t: 'start' | 'end'; key: string } | { t: 'wait'; n: number } | { t: 'other' }>;
  steps = 0;

  /** `soloLow`: the lowest key a solo (`v`) note may start on, so a violin part stays in violin range. */
  constructor(
    private readonly vocab: Vocab,
    soloLow = 0,
  ) {
    this.kind = vocab.words.map((w) => {
      const s = START.exec(w);
      if (s && s[1] === 'v' && Number(s[2]) < soloLow) return { t: 'other' as const };
      if (s) return { t: 'start' as const, key: `${s[1]}${s[2]}` };
      const e = END.exec(w);
      if (e) return { t: 'end' as const, key: `${e[1]}${e[2]}` };
      const wt = WAIT.exec(w);
      if (wt) return { t: 'wait' as const, n: Number(wt[1]) };
      return { t: 'other' as const };
    });
  }

  private keyOf = new Map<string, number>();
  private id(key: string): number {
    let v = this.keyOf.get(key);
    if (v === undefined) {
      v = this.keyOf.size;
      this.keyOf.set(key, v);
    }
    return v;
  }

  allowed(i: number): boolean {
    const k = this.kind[i]!;
    if (k.t === 'other') return false;
    if (k.t === 'wait') return true;
    const on = this.sounding.has(this.id(k.key));
    return k.t === 'end' ? on : !on;
  }

  push(i: number): void {
    const k = this.kind[i]!;
    if (k.t === 'wait') this.steps += k.n;
    else if (k.t === 'start') this.sounding.add(this.id(k.key));
    else if (k.t === 'end') this.sounding.delete(this.id(k.key));
  }

  /** Words that end every note still sounding, then the step's wait: nothing is left hanging. */
  closing(): string[] {
    const ends = [...this.keyOf.entries()].filter(([, v]) => this.sounding.has(v)).map(([key]) => `end${key}`);
    return ends.length ? [...ends, 'wait1'] : [];
  }

  get vocabulary(): Vocab {
    return this.vocab;
  }
}
