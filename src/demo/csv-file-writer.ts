/**
 * @module demo/csv-file-writer
 * Streaming CSV output: rows are collected into a chunk and handed to a file stream when the chunk
 * is full, waiting for 'drain' when the stream says its buffer is full, so a file of any size is
 * written in flat memory.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

const CHUNK_CHARS = 1 << 16;

/**
 * Quotes a CSV field when it holds a delimiter, quote or line break (RFC 4180).
 *
 * @example
 * csvField('Refill, lavender'); // '"Refill, lavender"'
 */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes one CSV file row by row.
 *
 * @example
 * const out = new CsvFileWriter('/tmp/x.csv', ['a', 'b']);
 * out.row('1,2');
 * if (out.wantsFlush) await out.flush();
 * await out.close();
 */
export class CsvFileWriter {
  readonly path: string;
  #stream: WriteStream;
  #chunk = '';
  #rows = 0;
  #bytes = 0;
  #error: Error | undefined;

  constructor(path: string, header: readonly string[]) {
    this.path = path;
    this.#stream = createWriteStream(path, { encoding: 'utf8' });
    this.#stream.on('error', (error) => {
      this.#error = error;
    });
    this.#chunk = `${header.join(',')}\n`;
  }

  /** Data rows written so far (the header not counted). */
  get rows(): number {
    return this.#rows;
  }

  /** Bytes handed to the file so far (complete after `close`). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one data row, already joined with commas and without the line break. */
  row(line: string): void {
    this.#chunk += `${line}\n`;
    this.#rows++;
  }

  /** True when the pending chunk is large enough that the caller should `await flush()`. */
  get wantsFlush(): boolean {
    return this.#chunk.length >= CHUNK_CHARS;
  }

  /** Hands the pending chunk to the stream and waits if the stream asks for backpressure. */
  async flush(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#chunk.length === 0) return;
    const chunk = this.#chunk;
    this.#chunk = '';
    this.#bytes += Buffer.byteLength(chunk, 'utf8');
    if (!this.#stream.write(chunk)) await this.#drain();
  }

  async close(): Promise<void> {
    await this.flush();
    // events.once rejects when the stream emits 'error' while waiting.
    const finished = once(this.#stream, 'finish');
    this.#stream.end();
    await finished;
    if (this.#error) throw this.#error;
  }

  /** Stops writing after a failure elsewhere; the partial file is left for the caller to remove. */
  destroy(): void {
    this.#stream.destroy();
  }

  async #drain(): Promise<void> {
    await once(this.#stream, 'drain');
  }
}
