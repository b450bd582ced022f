import type { Window } from '../model/trainStep';
import type { Item } from './corpusTokens';

export interface StreamCursor {
  /** Index into this stream's own list of items. */
  item: number;
  /** Token offset within that item (its tokens followed by <eos>). */
  offset: number;
}

/**
 * Truncated-BPTT batches streamed from items (a piece in one transposition) without materialising
 * the corpus: the epoch's items, in their shuffled order, are dealt to B parallel streams, each to
 * the stream with the fewest tokens so far when lengths are known (so streams end together and little
 * of the epoch is dropped), round-robin otherwise. Each stream reads its
 * pieces one after another (separated by <eos>) and yields T tokens per window, so the LSTM's
 * state carries on from one window to the next in every stream. The epoch ends when the first
 * stream runs dry. Cursors are small and exact, so a checkpoint resumes mid-epoch.
 */
export class BpttBatches {
  private readonly lists: Item[][];
  private readonly cursors: StreamCursor[];
  private readonly current: Array<{ item: number; tokens: Int32Array } | null>;

  constructor(
    items: readonly Item[],
    readonly B: number,
    readonly T: number,
    private readonly tokensOf: (item: Item) => Int32Array,
    private readonly eos: number,
    cursors?: StreamCursor[],
    lengthOf?: (item: Item) => number,
  ) {
    this.lists = Array.from({ length: B }, () => [] as Item[]);
    if (lengthOf) {
      const filled = new Array<number>(B).fill(0);
      for (const it of items) {
        let j = 0;
        for (let k = 1; k < B; k++) if (filled[k]! < filled[j]!) j = k;
        this.lists[j]!.push(it);
        filled[j]! += lengthOf(it) + 1;
      }
    } else items.forEach((it, k) => this.lists[k % B]!.push(it));
    this.cursors = cursors ? cursors.map((c) => ({ ...c })) : Array.from({ length: B }, () => ({ item: 0, offset: 0 }));
    this.current = new Array(B).fill(null);
  }

  position(): StreamCursor[] {
    return this.cursors.map((c) => ({ ...c }));
  }

  private tokens(j: number, item: number): Int32Array | null {
    const list = this.lists[j]!;
    if (item >= list.length) return null;
    const cur = this.current[j];
    if (cur && cur.item === item) return cur.tokens;
    const raw = this.tokensOf(list[item]!);
    const withEos = new Int32Array(raw.length + 1);
    withEos.set(raw);
    withEos[raw.length] = this.eos;
    this.current[j] = { item, tokens: withEos };
    return withEos;
  }

  /** Reads n tokens of stream j from a cursor without moving it; null if the stream ends first. */
  private read(j: number, from: StreamCursor, n: number): Int32Array | null {
    const out = new Int32Array(n);
    let { item, offset } = from;
    let filled = 0;
    while (filled < n) {
      const toks = this.tokens(j, item);
      if (!toks) return null;
      const take = Math.min(n - filled, toks.length - offset);
      out.set(toks.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (offset >= toks.length) {
        item++;
        offset = 0;
      }
    }
    return out;
  }

  private advance(c: StreamCursor, j: number, n: number): void {
    let left = n;
    while (left > 0) {
      const toks = this.tokens(j, c.item)!;
      const take = Math.min(left, toks.length - c.offset);
      c.offset += take;
      left -= take;
      if (c.offset >= toks.length) {
        c.item++;
        c.offset = 0;
      }
    }
  }

  /** The next window (time-major [T, B]), or null at the end of the epoch. */
  next(): Window | null {
    const { B, T } = this;
    const chunks: Int32Array[] = [];
    for (let j = 0; j < B; j++) {
      const chunk = this.read(j, this.cursors[j]!, T + 1);
      if (!chunk) return null;
      chunks.push(chunk);
    }
    const inputs = new Int32Array(T * B);
    const targets = new Int32Array(T * B);
    for (let j = 0; j < B; j++) {
      const c = chunks[j]!;
      for (let t = 0; t < T; t++) {
        inputs[t * B + j] = c[t]!;
        targets[t * B + j] = c[t + 1]!;
      }
      this.advance(this.cursors[j]!, j, T);
    }
    return { inputs, targets, T, B };
  }
}
