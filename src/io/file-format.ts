/**
 * @module io/file-format
 * Which reader a file needs: chosen by extension and confirmed by the file's first bytes, so a
 * Parquet file named `.csv` (or a CSV named `.parquet`) gets a clear error instead of garbage rows.
 */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputFileError } from './io-error.js';

export type FileFormat = 'csv' | 'jsonl' | 'parquet';

const BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** What the leading bytes say the file is, when they say anything. */
function sniff(head: Buffer): 'parquet' | 'gzip' | 'zip' | 'binary' | 'json' | 'text' {
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b) return 'zip';
  if (head.includes(0)) return 'binary';
  const text = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('{')) return 'json';
  return 'text';
}

/**
 * Decides the format of `path` (`explicit` overrides the extension) and checks the content agrees.
 *
 * @throws InputFileError FILE_NOT_FOUND, FILE_EMPTY or FILE_FORMAT_MISMATCH
 */
export async function detectFileFormat(path: string, explicit?: FileFormat): Promise<FileFormat> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new InputFileError('FILE_NOT_FOUND', 'no such file. Check the path.', path);
  }
  if (size === 0)
    throw new InputFileError('FILE_EMPTY', 'the file is empty: there is nothing to ingest.', path);
  const handle = await open(path, 'r');
  const head = Buffer.alloc(Math.min(size, 4096));
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const seen = sniff(head);
  const ext = extname(path).toLowerCase();
  const format =
    explicit ?? BY_EXTENSION[ext] ?? (seen === 'parquet' ? 'parquet' : seen === 'json' ? 'jsonl' : 'csv');
  const mismatch = (what: string) =>
    new InputFileError(
      'FILE_FORMAT_MISMATCH',
      `is named or declared as ${format.toUpperCase()} but its content looks like ${what}. Convert it, or rename it to match its content.`,
      path,
    );
  if (seen === 'gzip' || seen === 'zip') throw mismatch(`a ${seen} archive (unpack it first)`);
  if (format === 'parquet' && seen !== 'parquet') throw mismatch(seen === 'json' ? 'JSON Lines' : 'text');
  if (format !== 'parquet' && seen === 'parquet') throw mismatch('Parquet');
  if (format !== 'parquet' && seen === 'binary') throw mismatch('binary data');
  if (format === 'csv' && seen === 'json') throw mismatch('JSON Lines');
  return format;
}
