/**
 * The StudioApi's method names, the one list that the schemas (api.ts), the preload bridge and the
 * engine's handlers are checked against. Free of zod, so the sandboxed preload stays small.
 */
export const API_METHODS = ['listPieces', 'getPiece', 'catalogSummary', 'listImports'] as const;

export type ApiMethod = (typeof API_METHODS)[number];
