/**
 * A share of a batch's rows (streams) that one data-parallel worker computes: rows
 * [offset, offset + count) of `total`. Dropout masks are drawn for the whole batch and cut to the
 * share, and the share's loss is weighted by count/total, so the workers' gradients add up to the
 * gradient of the whole batch — a step means the same whatever the number of workers.
 */
export interface BatchRows {
  offset: number;
  count: number;
  total: number;
}

/** Splits `total` rows into `parts` contiguous shares as even as can be (some may be empty). */
export function splitRows(total: number, parts: number): BatchRows[] {
  const shares: BatchRows[] = [];
  for (let k = 0; k < parts; k++) {
    const offset = Math.floor((k * total) / parts);
    const end = Math.floor(((k + 1) * total) / parts);
    shares.push({ offset, count: end - offset, total });
  }
  return shares;
}

/** Columns [offset, offset + count) of a time-major [T, total] array, as a new [T, count] array. */
export function takeRows(a: Int32Array, T: number, rows: BatchRows): Int32Array<ArrayBuffer> {
  const out = new Int32Array(T * rows.count);
  for (let t = 0; t < T; t++)
    out.set(a.subarray(t * rows.total + rows.offset, t * rows.total + rows.offset + rows.count), t * rows.count);
  return out;
}
