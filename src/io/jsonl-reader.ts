/**
 * @module io/jsonl-reader
 * Streams a JSON Lines file (one JSON object per line) in batches, with line numbers.
 */
import { createReadStream } from 'node:fs';
import { InputFileError } from './io-error.js';

export interface JsonlRecord {
  line: number;
  value: Record<string, unknown>;
}

/** Reads one object per non-blank line; a line that is not a JSON object is an error naming it. */
export async function* readJsonlBatches(
  path: string,
  maxRecordBytes = 1 << 20,
): AsyncGenerator<JsonlRecord[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let line = 1;
  let first = true;
  const parseLine = (text: string, out: JsonlRecord[]) => {
    const trimmed = text.trim();
    if (trimmed !== '') {
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        throw new InputFileError(
          'JSONL_BAD_LINE',
          `is not valid JSON (${(error as Error).message}). Each line must hold one JSON object.`,
          path,
          line,
        );
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new InputFileError('JSONL_BAD_LINE', 'must be a JSON object like {"sku": "..."}.', path, line);
      }
      out.push({ line, value: value as Record<string, unknown> });
    }
    line++;
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new InputFileError('FILE_NOT_TEXT', 'is not UTF-8 text.', path);
    }
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    pending += text;
    const out: JsonlRecord[] = [];
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
      parseLine(pending.slice(start, nl), out);
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxRecordBytes) {
      throw new InputFileError(
        'CSV_LINE_TOO_LONG',
        `a line longer than ${maxRecordBytes} characters.`,
        path,
        line,
      );
    }
    if (out.length > 0) yield out;
  }
  const out: JsonlRecord[] = [];
  parseLine(pending + decoder.decode(), out);
  if (out.length > 0) yield out;
}
