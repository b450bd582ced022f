import type { Split } from '../catalog/types';

export const DEFAULT_TEST_FRACTION = 0.1;

/**
 * Train or test, decided by the piece's content hash: stable across machines and re-imports, and
 * taken per piece, so every transposition of a test piece stays out of training.
 */
export function splitForHash(hash: string, testFraction = DEFAULT_TEST_FRACTION): Split {
  const u = parseInt(hash.slice(0, 8), 16) / 0x1_0000_0000;
  return u < testFraction ? 'test' : 'train';
}
