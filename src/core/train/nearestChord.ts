/**
 * The nearest known chordwise word to an unseen one, so that a chord the vocabulary lacks (in a
 * prompt, in validation, in a user's new piece) becomes the closest chord the model knows rather
 * than <unk>: fewest differing keys (Hamming distance over the key strings, solo part included), the
 * more frequent word on a tie (vocabularies are sorted by frequency). A rest word `rN` goes to the
 * known rest with the nearest count. Words of another shape (notewise, a solo part where the
 * vocabulary has none) have no nearest chord.
 */
const CHORD = /^(v[01]+)?p[01]+$/;
const REST = /^r(\d+)$/;

/** A chord's keys as 32-bit words, for XOR and popcount. */
function bits(word: string): Uint32Array {
  const keys = word.replace(/[vp]/g, '');
  const out = new Uint32Array(Math.ceil(keys.length / 32));
  for (let i = 0; i < keys.length; i++) if (keys.charCodeAt(i) === 49) out[i >> 5]! |= 1 << (i & 31);
  return out;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class NearestChord {
  /** Known chords by shape (length of the word), in vocabulary order. */
  private readonly chords = new Map<number, Array<{ id: number; bits: Uint32Array }>>();
  private readonly rests: Array<{ id: number; n: number }> = [];
  private readonly memo = new Map<string, number | null>();

  constructor(words: readonly string[]) {
    words.forEach((w, id) => {
      if (CHORD.test(w)) {
        let list = this.chords.get(w.length);
        if (!list) this.chords.set(w.length, (list = []));
        list.push({ id, bits: bits(w) });
        return;
      }
      const r = REST.exec(w);
      if (r) this.rests.push({ id, n: Number(r[1]) });
    });
  }

  /** Whether any word of the vocabulary is a chordwise word (a notewise vocabulary has none). */
  get chordwise(): boolean {
    return this.chords.size > 0 || this.rests.length > 0;
  }

  /** The id of the nearest known word, or null when there is none of its shape. */
  nearest(word: string): number | null {
    const cached = this.memo.get(word);
    if (cached !== undefined) return cached;
    const found = this.search(word);
    this.memo.set(word, found);
    return found;
  }

  private search(word: string): number | null {
    const r = REST.exec(word);
    if (r) {
      const n = Number(r[1]);
      let best: { id: number; d: number } | null = null;
      for (const rest of this.rests) {
        const d = Math.abs(rest.n - n);
        if (!best || d < best.d) best = { id: rest.id, d };
      }
      return best?.id ?? null;
    }
    if (!CHORD.test(word)) return null;
    const list = this.chords.get(word.length);
    if (!list) return null;
    const b = bits(word);
    let bestId = -1;
    let bestD = Infinity;
    for (const c of list) {
      let d = 0;
      for (let i = 0; i < b.length && d < bestD; i++) d += popcount((b[i]! ^ c.bits[i]!) >>> 0);
      // Vocabulary order is frequency order: the first of equally near words is the commonest.
      if (d < bestD) {
        bestD = d;
        bestId = c.id;
        if (d === 0) break;
      }
    }
    return bestId >= 0 ? bestId : null;
  }
}
