/**
 * @module io/csv-reader
 * A streaming CSV reader: RFC 4180 quoting, ',' ';' or tab delimiters (detected from the header),
 * UTF-8 with or without BOM, LF or CRLF line ends. Memory stays flat: the file is read in chunks and
 * a record longer than `maxRecordBytes` is refused before it is buffered whole.
 */
import { createReadStream } from 'node:fs';
import { InputFileError } from './io-error.js';

export interface CsvRecord {
  /** 1-based physical line on which the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

export interface CsvOptions {
  /** Field delimiter; detected from the first line when absent. */
  delimiter?: ',' | ';' | '\t';
  /** Longest record accepted, in characters (default 1 MiB). */
  maxRecordBytes?: number;
  /** Read chunk size in bytes (default 128 KiB: a chunk's rows die young, so memory stays low). */
  chunkBytes?: number;
}

/** Information about the file learned while reading, available after the first batch. */
export interface CsvDialect {
  delimiter: ',' | ';' | '\t';
  hadBom: boolean;
}

const DEFAULT_MAX_RECORD = 1 << 20;

/**
 * Reads a CSV file as batches of records (one batch per chunk read), the header first.
 *
 * @example
 * for await (const batch of readCsvBatches('sales.csv')) for (const r of batch) console.log(r.line, r.fields);
 */
export async function* readCsvBatches(
  path: string,
  options: CsvOptions = {},
  onDialect?: (dialect: CsvDialect) => void,
): AsyncGenerator<CsvRecord[]> {
  const maxRecord = options.maxRecordBytes ?? DEFAULT_MAX_RECORD;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 17 });
  let delimiter = options.delimiter;
  let pending = '';
  let lineNo = 1;
  let first = true;
  const parser = new CsvChunkParser(path, maxRecord);

  const decode = (bytes: Uint8Array | undefined): string => {
    try {
      return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
    } catch {
      throw new InputFileError(
        'FILE_NOT_TEXT',
        'is not UTF-8 text (a binary file, or another encoding). Save it as UTF-8 CSV and try again.',
        path,
      );
    }
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (first && chunk.includes(0)) {
      throw new InputFileError('FILE_NOT_TEXT', 'contains NUL bytes: it is a binary file, not CSV.', path);
    }
    let text = decode(chunk);
    if (first) {
      first = false;
      const hadBom = text.charCodeAt(0) === 0xfeff;
      if (hadBom) text = text.slice(1);
      delimiter ??= detectDelimiter(text);
      parser.delimiter = delimiter;
      onDialect?.({ delimiter, hadBom });
    }
    pending += text;
    const out: CsvRecord[] = [];
    const consumed = parser.parse(pending, lineNo, false, out);
    lineNo = parser.nextLine;
    pending = pending.slice(consumed);
    if (pending.length > maxRecord) {
      throw new InputFileError(
        'CSV_LINE_TOO_LONG',
        `a record longer than ${maxRecord} characters (no line end found); is this really a CSV file?`,
        path,
        lineNo,
      );
    }
    if (out.length > 0) yield out;
  }
  pending += decode(undefined);
  if (first) return; // empty file: no records at all
  const out: CsvRecord[] = [];
  parser.parse(pending, lineNo, true, out);
  if (out.length > 0) yield out;
}

/** Reads a CSV file record by record (a convenience over {@link readCsvBatches}). */
export async function* readCsv(path: string, options: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvBatches(path, options)) yield* batch;
}

/**
 * Parses CSV already in memory (a small output file, a test's expectation) with the same parser as
 * {@link readCsvBatches}: quoting, CRLF, line numbers.
 *
 * @example
 * parseCsvText('a,b\n"x,1",2\n'); // [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x,1', '2'] }]
 */
export function parseCsvText(
  text: string,
  file = 'input.csv',
  delimiter: ',' | ';' | '\t' = ',',
): CsvRecord[] {
  const parser = new CsvChunkParser(file, Number.POSITIVE_INFINITY);
  parser.delimiter = delimiter;
  const out: CsvRecord[] = [];
  parser.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 1, true, out);
  return out;
}

/** Picks the delimiter that occurs most on the first line (outside quotes). */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const end = text.indexOf('\n');
  const head = end === -1 ? text : text.slice(0, end);
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of head) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** Parses complete records out of a text buffer; returns how many characters it consumed. */
class CsvChunkParser {
  delimiter: ',' | ';' | '\t' = ',';
  nextLine = 1;

  constructor(
    readonly file: string,
    readonly maxRecord: number,
  ) {}

  parse(text: string, startLine: number, final: boolean, out: CsvRecord[]): number {
    const delim = this.delimiter;
    const n = text.length;
    let pos = 0;
    let line = startLine;
    // Position of the next quote character; searched again only once passed, so a file without
    // quotes is scanned once, not once per line.
    let quote = text.indexOf('"');
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) {
        if (!final) break;
        nl = n;
      }
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      if (quote === -1 || quote > nl) {
        // Fast path: an unquoted record is a plain split of the line.
        let end = nl;
        if (end > pos && text.charCodeAt(end - 1) === 13) end--;
        if (end > pos) out.push({ line, fields: text.slice(pos, end).split(delim) });
        pos = nl + 1;
        line++;
        continue;
      }
      const result = this.#parseQuoted(text, pos, line, final);
      if (result === null) break; // record continues in the next chunk
      if (result.fields.length > 1 || result.fields[0] !== '') out.push({ line, fields: result.fields });
      line += result.lines;
      pos = result.end;
    }
    this.nextLine = line;
    return Math.min(pos, n);
  }

  /** Slow path for a record with quotes, which may span lines. Null when the record is incomplete. */
  #parseQuoted(
    text: string,
    start: number,
    line: number,
    final: boolean,
  ): { fields: string[]; end: number; lines: number } | null {
    const delim = this.delimiter.charCodeAt(0);
    const fields: string[] = [];
    const n = text.length;
    let pos = start;
    let lines = 1;
    for (;;) {
      if (pos < n && text.charCodeAt(pos) === 34) {
        // Quoted field: "" is an escaped quote.
        let value = '';
        let i = pos + 1;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) {
            if (!final) return null;
            throw new InputFileError(
              'CSV_UNTERMINATED_QUOTE',
              `field ${fields.length + 1} opens a quote that is never closed. Close the quote or remove it.`,
              this.file,
              line,
            );
          }
          value += text.slice(i, q);
          if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
            value += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) return null;
          pos = q + 1;
          break;
        }
        for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) === 10) lines++;
        fields.push(value);
        const c = pos < n ? text.charCodeAt(pos) : -1;
        if (c === delim) {
          pos++;
          continue;
        }
        if (c === 13 && pos + 1 < n && text.charCodeAt(pos + 1) === 10)
          return { fields, end: pos + 2, lines };
        if (c === 10) return { fields, end: pos + 1, lines };
        if (c === -1) {
          if (!final) return null;
          return { fields, end: n, lines };
        }
        if (c === 13 && pos + 1 >= n && !final) return null;
        throw new InputFileError(
          'CSV_BAD_QUOTE',
          `field ${fields.length} has characters after its closing quote. Quote the whole field, doubling inner quotes ("").`,
          this.file,
          line + lines - 1,
        );
      }
      // Unquoted field: up to the next delimiter or line end.
      let end = pos;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === delim || c === 10) break;
        end++;
      }
      if (end >= n && !final) return null;
      let value = text.slice(pos, end);
      if (value.endsWith('\r') && (end >= n || text.charCodeAt(end) === 10)) value = value.slice(0, -1);
      fields.push(value);
      if (end < n && text.charCodeAt(end) === delim) {
        pos = end + 1;
        continue;
      }
      return { fields, end: Math.min(end + 1, n), lines };
    }
  }
}
