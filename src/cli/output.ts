/** Terminal output shared by the commands: JSON on stdout for scripts, a progress bar on stderr for people. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// C0 and C1 controls (ESC, BEL, CR, the CSI introducer…) and the bidirectional overrides that can
// make text read differently from what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * User data (titles, names, file paths, MIDI text) as it may be shown on a terminal: control
 * characters become visible `\u001b` escapes, so a hostile title cannot move the cursor, clear
 * the screen, retitle the window or hide text.
 */
export function clean(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export class ProgressBar {
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    const now = Date.now();
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const width = 28;
    const filled = total > 0 ? Math.round((done / total) * width) : width;
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${clean(detail)}`;
    if (this.tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
    else if (done === total) process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

export function table(rows: string[][], headers: string[]): string {
  rows = rows.map((r) => r.map(clean));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [fmt(headers), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n');
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m}:${String(s).padStart(2, '0')}`;
}
