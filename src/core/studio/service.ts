import type { Catalog } from '../catalog/catalog';
import type { ImportRecord, PieceDetail, PieceQuery, PieceSummary } from '../catalog/types';

/**
 * The engine's side of the studio's API, shared by the Electron main process and the served twin.
 * Inputs arrive already validated by the shell that received them.
 */
export class StudioService {
  constructor(
    private readonly catalog: Catalog,
    readonly dataDir: string,
  ) {}

  listPieces(q: PieceQuery): PieceSummary[] {
    return this.catalog.listPieces(q);
  }

  getPiece({ id }: { id: number }): PieceDetail {
    return this.catalog.getPiece(id);
  }

  catalogSummary(): { total: number; train: number; test: number; notes: number; composers: Array<{ composer: string; pieces: number }>; dataDir: string } {
    const c = this.catalog.countPieces();
    return { total: c.total, train: c.train, test: c.test, notes: c.notes, composers: this.catalog.composers(), dataDir: this.dataDir };
  }

  listImports({ limit }: { limit?: number }): ImportRecord[] {
    return this.catalog.listImports(limit);
  }

  /** The API's handlers by method name; the shells check this covers every method of the contract. */
  readonly handlers = {
    listPieces: (input: unknown) => this.listPieces(input as PieceQuery),
    getPiece: (input: unknown) => this.getPiece(input as { id: number }),
    catalogSummary: () => this.catalogSummary(),
    listImports: (input: unknown) => this.listImports(input as { limit?: number }),
  };

  /** Routes a call the shell has validated. */
  call(method: keyof StudioService['handlers'], input: unknown): unknown {
    return this.handlers[method](input);
  }
}
