/**
 * @module io/parquet-reader
 * Reads a Parquet file in slices of rows (never the whole file at once), as plain objects.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { InputFileError } from './io-error.js';

export interface ParquetRecord {
  /** 1-based row number in the file. */
  line: number;
  value: Record<string, unknown>;
}

/** Column names of a Parquet file, in schema order. */
export async function parquetColumns(path: string): Promise<string[]> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  return metadata.schema.slice(1).map((s) => s.name);
}

export async function* readParquetBatches(
  path: string,
  rowsPerBatch = 50_000,
): AsyncGenerator<ParquetRecord[]> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputFileError(
      'PARQUET_UNREADABLE',
      `cannot be read as Parquet: ${(error as Error).message}`,
      path,
    );
  }
  const total = Number(metadata.num_rows);
  for (let rowStart = 0; rowStart < total; rowStart += rowsPerBatch) {
    const rowEnd = Math.min(total, rowStart + rowsPerBatch);
    const rows = (await parquetReadObjects({ file, metadata, rowStart, rowEnd })) as Record<
      string,
      unknown
    >[];
    yield rows.map((value, i) => ({ line: rowStart + i + 1, value }));
  }
}
