import type { Catalog } from '../catalog/catalog';
import type { ImportRecord, PieceDetail, PieceQuery, PieceSummary } from '../catalog/types';
import { ClaraError } from '../errors';

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

  /** Routes a validated call; unknown names never get here (the shells validate first). */
  call(method: string, input: unknown): unknown {
    switch (method) {
      case 'listPieces':
        return this.listPieces(input as PieceQuery);
      case 'getPiece':
        return this.getPiece(input as { id: number });
      case 'catalogSummary':
        return this.catalogSummary();
      case 'listImports':
        return this.listImports(input as { limit?: number });
      default:
        throw new ClaraError(`unknown API method ${method}`, 'bad-method');
    }
  }
}
