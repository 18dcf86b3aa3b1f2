/**
 * @module evaluation/worker-pool
 * A small pool of worker threads that run one kind of task (a compiled worker script under dist/),
 * sized to the machine's available parallelism. Backtests and batch forecasts fan series chunks out
 * through it. Workers answer `{ id, result }` or `{ id, error }` per `{ id, task }` message.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Worker count to use: `requested` if given, else available parallelism, never more than the task count. */
export function poolSize(taskCount: number, requested?: number): number {
  const size = requested ?? availableParallelism();
  return Math.max(1, Math.min(size, taskCount));
}

/**
 * Runs every task on a pool of workers loaded from `workerUrl`, keeping result order. Progress is
 * reported after each task.
 *
 * @example
 * const results = await runInWorkers<Chunk, Out>(new URL('./backtest-worker.js', import.meta.url), chunks, { size: 2 });
 */
export async function runInWorkers<TTask, TResult>(
  workerUrl: URL,
  tasks: readonly TTask[],
  options: { size?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<TResult[]> {
  const results: TResult[] = new Array(tasks.length);
  if (tasks.length === 0) return results;
  const size = poolSize(tasks.length, options.size);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const feed = (worker: Worker) => {
        if (failed) return;
        if (next >= tasks.length) {
          if (done === tasks.length) resolve();
          return;
        }
        const id = next++;
        worker.postMessage({ id, task: tasks[id] });
      };
      for (let i = 0; i < size; i++) {
        const worker = new Worker(workerUrl);
        workers.push(worker);
        worker.on(
          'message',
          (message: { id: number; result?: TResult; error?: { code: string; message: string } }) => {
            if (message.error) {
              failed = true;
              reject(new WorkerTaskError(message.error.code, message.error.message));
              return;
            }
            results[message.id] = message.result as TResult;
            done++;
            options.onProgress?.(done, tasks.length);
            if (done === tasks.length) resolve();
            else feed(worker);
          },
        );
        worker.on('error', (error) => {
          failed = true;
          reject(error);
        });
        worker.on('exit', (code) => {
          if (code !== 0 && done < tasks.length && !failed) {
            failed = true;
            reject(
              new WorkerTaskError(
                'WORKER_EXITED',
                `a worker thread exited with code ${code}; rerun with --workers 1 to see the error in-process`,
              ),
            );
          }
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** Splits items into about `perWorker` chunks per worker so a slow chunk does not idle the others. */
export function chunk<T>(items: readonly T[], workers: number, perWorker = 4): T[][] {
  const size = Math.max(1, Math.ceil(items.length / (workers * perWorker)));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Serialises an error for a worker's reply. */
export function errorPayload(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code =
      'code' in error && typeof (error as { code: unknown }).code === 'string'
        ? (error as { code: string }).code
        : 'WORKER_TASK_FAILED';
    return { code, message: error.message };
  }
  return { code: 'WORKER_TASK_FAILED', message: String(error) };
}
