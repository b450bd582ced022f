/**
 * The StudioApi contract: one typed set of methods that the renderer calls, served over Electron
 * IPC by the main process and over HTTP by `clara serve`, so the renderer never knows which. Every
 * payload is validated with these schemas on the receiving side before it reaches the engine.
 */
import { z } from 'zod';
import type { ImportRecord, PieceDetail, PieceSummary } from '../core/catalog/types';
import type { ApiMethod } from './methods';

export type { ImportRecord, PieceDetail, PieceSummary };
export { API_METHODS, type ApiMethod } from './methods';

const ensemble = z.enum(['piano', 'solo+piano', 'solo', 'chamber']);
const split = z.enum(['train', 'test']);

export const schemas = {
  listPieces: z
    .object({
      search: z.string().max(200).optional(),
      composer: z.string().max(200).optional(),
      ensemble: ensemble.optional(),
      split: split.optional(),
      sort: z.enum(['title', 'composer', 'ensemble', 'duration', 'notes', 'split', 'imported']).optional(),
      descending: z.boolean().optional(),
      limit: z.number().int().min(0).max(100_000).optional(),
      offset: z.number().int().min(0).optional(),
    })
    .strict(),
  getPiece: z.object({ id: z.number().int().positive() }).strict(),
  catalogSummary: z.object({}).strict(),
  listImports: z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
} as const satisfies Record<ApiMethod, z.ZodType>;
export type ApiInput<M extends ApiMethod> = z.infer<(typeof schemas)[M]>;

export interface CatalogSummary {
  total: number;
  train: number;
  test: number;
  composers: Array<{ composer: string; pieces: number }>;
  notes: number;
  dataDir: string;
}

export interface ApiOutputs {
  listPieces: PieceSummary[];
  getPiece: PieceDetail;
  catalogSummary: CatalogSummary;
  listImports: ImportRecord[];
}

export type StudioApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]> };

/** An error as it crosses IPC or HTTP: a stable code the UI can act on, and a message naming the field or file. */
export interface ApiError {
  code: string;
  message: string;
}

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(schemas, m);
}

/** Validates a method name and payload from outside; throws an ApiError-shaped object naming the bad field. */
export function validateCall(method: unknown, payload: unknown): { method: ApiMethod; input: unknown } {
  if (!isApiMethod(method)) throw { code: 'bad-method', message: `unknown API method ${JSON.stringify(String(method)).slice(0, 80)}` } satisfies ApiError;
  const parsed = schemas[method].safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : 'payload';
    throw { code: 'bad-payload', message: `${method}: ${field}: ${issue.message}` } satisfies ApiError;
  }
  return { method, input: parsed.data };
}
