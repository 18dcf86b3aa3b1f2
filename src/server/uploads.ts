/**
 * @module server/uploads
 * Files sent to the API, written to `<home>/uploads/<id>/<name>` as they stream in (never held in
 * memory), refused with 413 the moment they pass the size limit. An upload ingested within the
 * request is removed right after; one handed to a job is removed once the job has finished.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from './api-error.js';

export interface SavedUpload {
  path: string;
  /** The upload's own directory, removed with it. */
  dir: string;
  bytes: number;
}

/** Upload directories older than this are removed at start: whatever job used them is long over. */
const STALE_UPLOAD_MS = 7 * 24 * 3600 * 1000;

export function uploadsDirectory(home: string): string {
  return join(home, 'uploads');
}

/**
 * Streams `body` into a new upload directory.
 *
 * @throws ApiError 413 when the body passes `limit` bytes (nothing is left on disk).
 */
export async function saveUpload(
  body: Readable,
  home: string,
  fileName: string,
  limit: number,
): Promise<SavedUpload> {
  const dir = join(uploadsDirectory(home), randomUUID());
  await mkdir(dir, { recursive: true });
  const path = join(dir, fileName);
  let bytes = 0;
  const tooLarge = new ApiError(
    413,
    'PAYLOAD_TOO_LARGE',
    `the upload is larger than the ${formatBytes(limit)} this server accepts; split the file into batches`,
  );
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          bytes += chunk.length;
          if (bytes > limit) throw tooLarge;
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (error === tooLarge) throw tooLarge;
    throw new ApiError(
      400,
      'UPLOAD_FAILED',
      `the upload did not arrive whole (${(error as Error).message}); send it again`,
    );
  }
  if (bytes === 0) {
    await rm(dir, { recursive: true, force: true });
    throw new ApiError(400, 'FILE_EMPTY', 'the uploaded file is empty: there is nothing to ingest');
  }
  return { path, dir, bytes };
}

export async function removeUpload(upload: SavedUpload): Promise<void> {
  await rm(upload.dir, { recursive: true, force: true });
}

/** Removes upload directories left from long ago (a stopped server, a job that never finished). */
export async function sweepStaleUploads(home: string, now = Date.now()): Promise<void> {
  const root = uploadsDirectory(home);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(root, name);
    const info = await stat(dir).catch(() => null);
    if (info && now - info.mtimeMs > STALE_UPLOAD_MS) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the uploads of jobs once they finish: checks the jobs it holds every few seconds, only
 * while it holds any.
 */
export class UploadJanitor {
  readonly #pending = new Map<string, SavedUpload>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly isFinished: (jobId: string) => Promise<boolean>,
    readonly intervalMs = 2000,
  ) {}

  watch(jobId: string, upload: SavedUpload): void {
    this.#pending.set(jobId, upload);
    this.#timer ??= setInterval(() => void this.sweep(), this.intervalMs);
    this.#timer.unref();
  }

  async sweep(): Promise<void> {
    for (const [jobId, upload] of this.#pending) {
      const finished = await this.isFinished(jobId).catch(() => false);
      if (!finished) continue;
      this.#pending.delete(jobId);
      await removeUpload(upload);
    }
    if (this.#pending.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}
