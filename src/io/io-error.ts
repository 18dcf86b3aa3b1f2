/**
 * @module io/io-error
 * Errors raised while reading an input file. Each names the file and, where known, the line,
 * and says what the user can do about it.
 */

export type IoErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_EMPTY'
  | 'FILE_FORMAT_MISMATCH'
  | 'FILE_NOT_TEXT'
  | 'CSV_UNTERMINATED_QUOTE'
  | 'CSV_LINE_TOO_LONG'
  | 'CSV_BAD_QUOTE'
  | 'JSONL_BAD_LINE'
  | 'PARQUET_UNREADABLE';

export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly code: IoErrorCode,
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
  }
}
