import type { Ensemble, Split } from '../../shared/rows';

// The rows the catalog returns are the StudioApi's: defined in the contract, read here.
export type {
  ComposerSource,
  EncodingFacts,
  ImportFailure,
  ImportRecord,
  PieceDetail,
  PieceSummary,
  Split,
  TrackRow,
} from '../../shared/rows';

export type PieceSort = 'title' | 'composer' | 'ensemble' | 'duration' | 'notes' | 'split' | 'imported';

export interface PieceQuery {
  search?: string;
  composer?: string;
  ensemble?: Ensemble;
  split?: Split;
  sort?: PieceSort;
  descending?: boolean;
  limit?: number;
  offset?: number;
}
