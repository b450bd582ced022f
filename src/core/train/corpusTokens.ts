import type { Catalog } from '../catalog/catalog';
import {
  encodeSteps,
  quantize,
  transpose,
  validShifts,
  type EncodingName,
  type EncodingOptions,
  type StepNote,
} from '../encoding';
import type { Vocab } from './vocab';

export interface Item {
  pieceId: number;
  shift: number;
}

/**
 * Token ids of a piece in one transposition, derived on the fly from the catalog's notes: no
 * transposed copy is ever stored. Quantised notes of recently used pieces are cached.
 */
export class CorpusTokens {
  private readonly cache = new Map<number, { steps: StepNote[]; withSolo: boolean }>();

  constructor(
    private readonly catalog: Catalog,
    readonly encoding: EncodingName,
    readonly options: EncodingOptions,
    private readonly cacheSize = 64,
  ) {}

  /** A piece's notes on the step grid, in its own key. */
  steps(pieceId: number): StepNote[] {
    return this.quantized(pieceId).steps;
  }

  private quantized(pieceId: number): { steps: StepNote[]; withSolo: boolean } {
    let hit = this.cache.get(pieceId);
    if (hit) {
      this.cache.delete(pieceId);
      this.cache.set(pieceId, hit);
      return hit;
    }
    const { notes, ppq } = this.catalog.pieceNotes(pieceId);
    hit = { steps: quantize(notes, ppq, this.options), withSolo: notes.some((n) => n.voice === 'v') };
    this.cache.set(pieceId, hit);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return hit;
  }

  words(item: Item): string[] {
    const { steps, withSolo } = this.quantized(item.pieceId);
    return encodeSteps(transpose(steps, item.shift, this.options), this.encoding, this.options, withSolo);
  }

  ids(item: Item, vocab: Vocab): Int32Array {
    return vocab.ids(this.words(item));
  }

  validShifts(pieceId: number): number[] {
    return validShifts(this.quantized(pieceId).steps, this.options);
  }

  hasSolo(pieceId: number): boolean {
    return this.quantized(pieceId).withSolo;
  }
}
