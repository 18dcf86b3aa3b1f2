/**
 * @module io/record-source
 * One view over CSV, JSON Lines and Parquet input: a header and batches of rows whose values are
 * text (or null when absent), with the line (or row) each came from. Ingestion and the forecasting
 * engine read every format through this, so a new format is one more reader file beside these.
 */
import { type CsvDialect, readCsvBatches } from './csv-reader.js';
import { detectFileFormat, type FileFormat } from './file-format.js';
import { InputFileError } from './io-error.js';
import { readJsonlBatches } from './jsonl-reader.js';
import { parquetColumns, readParquetBatches } from './parquet-reader.js';

export interface SourceRow {
  /** CSV/JSONL: the line the row starts on (header = line 1); Parquet: the 1-based row number. */
  line: number;
  /** Values in header order; null (JSON, Parquet) or '' (CSV) when absent or empty. */
  values: (string | null)[];
}

export interface RecordSource {
  path: string;
  format: FileFormat;
  header: string[];
  /** True when numbers may use a decimal comma (a semicolon-delimited CSV). */
  decimalComma: boolean;
  /** Whether `line` means a text line or a Parquet row, for messages. */
  lineUnit: 'line' | 'row';
  batches: AsyncIterable<SourceRow[]>;
}

export interface OpenSourceOptions {
  format?: FileFormat;
  maxRecordBytes?: number;
}

/**
 * Opens an input file of any supported format.
 *
 * @example
 * const source = await openRecordSource('sales.csv');
 * for await (const batch of source.batches) for (const row of batch) console.log(row.line, row.values);
 */
export async function openRecordSource(path: string, options: OpenSourceOptions = {}): Promise<RecordSource> {
  const format = await detectFileFormat(path, options.format);
  if (format === 'csv') return openCsv(path, options.maxRecordBytes);
  if (format === 'jsonl')
    return openObjects(path, 'jsonl', readJsonlBatches(path, options.maxRecordBytes), 'line');
  return openObjects(path, 'parquet', readParquetBatches(path), 'row', await parquetColumns(path));
}

async function openCsv(path: string, maxRecordBytes?: number): Promise<RecordSource> {
  let dialect: CsvDialect | undefined;
  const iterator = readCsvBatches(path, maxRecordBytes ? { maxRecordBytes } : {}, (d) => {
    dialect = d;
  })[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstBatch = first.done ? [] : first.value;
  const headerRecord = firstBatch[0];
  if (!headerRecord)
    throw new InputFileError('FILE_EMPTY', 'has no header line: there is nothing to ingest.', path);
  const header = headerRecord.fields.map((h) => h.trim());
  const toRows = (batch: { line: number; fields: string[] }[]): SourceRow[] =>
    // Fields are passed as read ('' = empty): one array per row, not two, on the hot path.
    batch.map((r) => ({ line: r.line, values: r.fields }));
  async function* batches(): AsyncGenerator<SourceRow[]> {
    const rest = firstBatch.slice(1);
    if (rest.length > 0) yield toRows(rest);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toRows(next.value);
  }
  return {
    path,
    format: 'csv',
    header,
    decimalComma: dialect?.delimiter === ';',
    lineUnit: 'line',
    batches: batches(),
  };
}

async function openObjects(
  path: string,
  format: FileFormat,
  source: AsyncGenerator<{ line: number; value: Record<string, unknown> }[]>,
  lineUnit: 'line' | 'row',
  knownHeader?: string[],
): Promise<RecordSource> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstBatch = first.done ? [] : first.value;
  const header = knownHeader ?? Object.keys(firstBatch[0]?.value ?? {});
  if (header.length === 0)
    throw new InputFileError('FILE_EMPTY', 'holds no records: there is nothing to ingest.', path);
  const toRows = (batch: { line: number; value: Record<string, unknown> }[]): SourceRow[] =>
    batch.map((r) => ({ line: r.line, values: header.map((h) => toText(r.value[h])) }));
  async function* batches(): AsyncGenerator<SourceRow[]> {
    if (firstBatch.length > 0) yield toRows(firstBatch);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield toRows(next.value);
  }
  return { path, format, header, decimalComma: false, lineUnit, batches: batches() };
}

/** Normalises a JSON or Parquet value to the text the field parsers take. */
function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  return JSON.stringify(value);
}
