import { ClaraError } from '../errors';

/**
 * "07:00" (the next time the clock shows it) or an ISO date-time → an ISO instant in the future.
 * Anything else, 24:00 and 99:99 included, is one clear error naming the option.
 */
export function resolveUntil(s: string, now: Date = new Date(), field = '--until'): string {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  let d: Date;
  if (hm) {
    const h = Number(hm[1]);
    const m = Number(hm[2]);
    if (h > 23 || m > 59) throw new ClaraError(`"${s}" is not a clock time (00:00 to 23:59)`, 'bad-option', field);
    d = new Date(now);
    d.setHours(h, m, 0, 0);
    if (d.getTime() <= now.getTime()) d.setDate(d.getDate() + 1);
  } else {
    d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) ? new Date(s) : new Date(Number.NaN);
    if (Number.isNaN(d.getTime()))
      throw new ClaraError(`cannot read "${s}" as a time (07:00 or 2026-11-26T07:00)`, 'bad-option', field);
    if (d.getTime() <= now.getTime()) throw new ClaraError(`"${s}" is not a time in the future`, 'bad-option', field);
  }
  return d.toISOString();
}
