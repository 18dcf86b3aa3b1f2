/**
 * @module cli/output
 * Human or JSON output for commands, and progress bars on stderr.
 */

export interface OutputOptions {
  json?: boolean;
}

/** Prints one JSON object (for `--json`) to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Formats rows as an aligned text table. */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => formatCell(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (isNumeric(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value.toLocaleString('en-US');
    return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(3);
  }
  return String(value);
}

function isNumeric(cell: string): boolean {
  return /^-?[\d,]+(\.\d+)?%?$/.test(cell);
}

/**
 * A progress bar on stderr. Draws in place on a terminal; elsewhere (CI logs, pipes) prints a line
 * at most every few seconds so logs stay readable. Silent when `enabled` is false (e.g. `--json`).
 */
export class ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #enabled: boolean;
  readonly #tty: boolean;
  readonly #started = Date.now();
  #current = 0;
  // Off a terminal the first line waits one interval, so quick work prints only its final line.
  #lastDraw = Date.now();

  constructor(label: string, total: number, enabled = true) {
    this.#label = label;
    this.#total = total;
    this.#enabled = enabled;
    this.#tty = Boolean(process.stderr.isTTY);
    if (this.#tty) this.#lastDraw = 0;
  }

  update(current: number, detail = ''): void {
    this.#current = current;
    if (!this.#enabled) return;
    const now = Date.now();
    const interval = this.#tty ? 100 : Number(process.env.SHELFCAST_PROGRESS_MS ?? 5000);
    if (now - this.#lastDraw < interval) return;
    this.#lastDraw = now;
    this.#draw(detail);
  }

  increment(by = 1, detail = ''): void {
    this.update(this.#current + by, detail);
  }

  done(detail = ''): void {
    if (!this.#enabled) return;
    this.#current = this.#total > 0 ? this.#total : this.#current;
    this.#draw(detail);
    if (this.#tty) process.stderr.write('\n');
  }

  #draw(detail: string): void {
    const elapsed = (Date.now() - this.#started) / 1000;
    let text: string;
    if (this.#total > 0) {
      const ratio = Math.min(1, this.#current / this.#total);
      const width = 28;
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      text = `${this.#label} ${bar} ${(ratio * 100).toFixed(0).padStart(3)}% ${this.#current.toLocaleString('en-US')}/${this.#total.toLocaleString('en-US')} ${elapsed.toFixed(1)}s ${detail}`;
    } else {
      text = `${this.#label} ${this.#current.toLocaleString('en-US')} ${elapsed.toFixed(1)}s ${detail}`;
    }
    if (this.#tty) process.stderr.write(`\r\x1b[2K${text}`);
    else process.stderr.write(`${text}\n`);
  }
}
