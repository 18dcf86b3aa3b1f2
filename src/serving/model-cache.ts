/**
 * @module serving/model-cache
 * The champions a serving process answers from, held in memory. A model's champion is loaded on first
 * use (concurrent first requests share one load). Afterwards a request costs no database access: the
 * aliases of all models are re-read with one small query when the database notifies a change to them
 * (LISTEN on `shelfcast_champions`, sent at commit by a trigger, from any process on PostgreSQL) and,
 * as a safety net, at most every `refreshMs` in the background (every second where the database
 * cannot notify). A moved alias is followed by loading the new champion completely (bundle checked,
 * every series answered for the bundle's own shape) before one reference is replaced. A request holds
 * the {@link ServedModel} it started with, so it is answered from one version from start to end, and
 * the old version keeps serving until the new one is ready. A champion whose alias was removed (its
 * version deleted) stops serving; a rollback is followed like any other move. When a new champion
 * cannot be loaded (artifact missing), the previous one keeps serving and the load is retried at the
 * next check; the failure is kept in {@link ModelCache.lastError}. The version served before the
 * current one stays in memory, so rolling back to it takes effect at once.
 */
import type { Database, Queryable } from '../db/database.js';
import { CHAMPIONS_CHANNEL } from '../db/migrations/0009-champion-notify.js';
import type { ArtifactStore } from '../tracking/artifact-store.js';
import { FilesystemArtifactStore } from '../tracking/filesystem-artifact-store.js';
import { type ChampionRef, loadServedModel, pickChampion, readChampions } from './champion-loader.js';
import type { ServedModel } from './served-model.js';

export type { ServedModel } from './served-model.js';

export interface ModelCacheOptions {
  /**
   * Longest time between two reads of the aliases, in milliseconds (default 30,000 while the
   * database notifies changes, 1000 otherwise).
   */
  refreshMs?: number;
  /** Follow the database's change notifications (default true where the database has them). */
  listen?: boolean;
  /** Where bundles are read from (default: the filesystem store under SHELFCAST_HOME). */
  artifactStore?: ArtifactStore;
  /**
   * Worker threads that compute a new champion's answers before it serves (0: this thread; default:
   * this thread for up to 32 series, otherwise one fewer than the cores, at least one).
   */
  workers?: number;
  /** Remembered answers for request shapes other than the bundle's own, per version. */
  memoLimit?: number;
}

export class ModelCache {
  readonly #db: Queryable;
  readonly #refreshMs: number | undefined;
  /** off: not asked for or not possible; pending: subscribing; on: notifications arrive. */
  #listening: 'off' | 'pending' | 'on';
  #stopListening: (() => Promise<void>) | null = null;
  #listenOnce: Promise<void> | null = null;
  /** A notification arrived while a check was running: check once more when it ends. */
  #checkAgain = false;
  readonly #store: ArtifactStore;
  readonly #workers: number | undefined;
  readonly #memoLimit: number | undefined;
  /** The aliases as last read; null before the first read. */
  #champions: Map<string, ChampionRef> | null = null;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | null = null;
  readonly #served = new Map<string, ServedModel>();
  /** The version each model served before its current one, kept so a rollback to it is immediate. */
  readonly #previous = new Map<string, ServedModel>();
  readonly #loads = new Map<string, Promise<ServedModel>>();
  #lastError: Error | null = null;
  #closed = false;

  /**
   * @example
   * const cache = new ModelCache(db, { refreshMs: 1000 });
   * const served = await cache.champion();  // the one model with a champion
   * served.version;
   */
  constructor(db: Queryable, options: ModelCacheOptions = {}) {
    this.#db = db;
    this.#refreshMs = options.refreshMs;
    this.#listening = options.listen !== false && canListen(db) ? 'pending' : 'off';
    this.#store = options.artifactStore ?? FilesystemArtifactStore.fromEnv();
    this.#workers = options.workers;
    this.#memoLimit = options.memoLimit;
  }

  /**
   * The champion of `model` (default: the one registered model that has a champion), loaded on first
   * use. Throws a ServingError: NO_CHAMPION, INVALID_REQUEST (several champions, none named) or
   * MODEL_ARTIFACT_MISSING.
   */
  async champion(model?: string): Promise<ServedModel> {
    if (this.#closed) throw new Error('the model cache is closed');
    if (this.#champions === null) {
      // Listening first, so a change between the first read and the subscription is not missed.
      if (this.#listening === 'pending') await this.#listen();
      await this.#check();
    } else if (performance.now() - this.#checkedAt >= this.#pollMs() && this.#checking === null) {
      // Checked in the background: this request is answered from what is loaded now.
      this.#check().catch(() => {});
    }
    const champions = this.#champions as Map<string, ChampionRef>;
    const ref = pickChampion(champions, model);
    const served = this.#served.get(ref.model);
    if (served) return served;
    return this.#load(ref);
  }

  /** Re-reads the aliases now and waits until every loaded model serves its current champion. */
  async refresh(): Promise<void> {
    // A check already under way may have read the aliases before the change the caller knows of.
    if (this.#checking) await this.#checking.catch(() => {});
    await this.#check();
  }

  /** What is loaded, for /metrics (shelfcast_model_version{model=...}). */
  loaded(): { model: string; version: number; loadedAt: string }[] {
    return [...this.#served.values()]
      .map((s) => ({ model: s.model, version: s.version, loadedAt: s.loadedAt }))
      .sort((a, b) => a.model.localeCompare(b.model));
  }

  /** The last failure to read the aliases or to load a new champion, null once one succeeds. */
  get lastError(): Error | null {
    return this.#lastError;
  }

  /** Stops serving and stops following the database's notifications. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#served.clear();
    this.#previous.clear();
    this.#champions = new Map();
    const stop = this.#stopListening;
    this.#stopListening = null;
    this.#listening = 'off';
    await stop?.().catch(() => {});
  }

  /** True while champion changes arrive as notifications (then polling is only a safety net). */
  get listening(): boolean {
    return this.#listening === 'on';
  }

  #pollMs(): number {
    return this.#refreshMs ?? (this.#listening === 'on' ? 30_000 : 1000);
  }

  #listen(): Promise<void> {
    if (this.#listenOnce) return this.#listenOnce;
    this.#listenOnce = (this.#db as Database)
      .listen(CHAMPIONS_CHANNEL, () => this.#onNotify())
      .then(
        async (stop) => {
          if (this.#closed) return stop();
          this.#stopListening = stop;
          this.#listening = 'on';
        },
        (error: unknown) => {
          // Polling every second still follows every change.
          this.#lastError = error as Error;
          this.#listening = 'off';
        },
      );
    return this.#listenOnce;
  }

  #onNotify(): void {
    if (this.#closed || this.#champions === null) return;
    if (this.#checking) this.#checkAgain = true;
    else this.#check().catch(() => {});
  }

  #check(): Promise<void> {
    if (this.#checking) return this.#checking;
    const checking = (async () => {
      let champions: Map<string, ChampionRef>;
      try {
        champions = await readChampions(this.#db);
        this.#lastError = null;
      } catch (error) {
        this.#lastError = error as Error;
        // Without a first read there is nothing to serve; later, what is loaded keeps serving.
        if (this.#champions === null) throw error;
        return;
      } finally {
        this.#checkedAt = performance.now();
      }
      if (this.#closed) return;
      this.#champions = champions;
      const swaps: Promise<ServedModel>[] = [];
      for (const [name, served] of this.#served) {
        const ref = champions.get(name);
        if (!ref) {
          this.#served.delete(name);
          this.#previous.delete(name);
        } else if (ref.version !== served.version || ref.artifactSha256 !== served.artifactSha256)
          swaps.push(this.#load(ref));
      }
      const results = await Promise.allSettled(swaps);
      for (const r of results) if (r.status === 'rejected') this.#lastError = r.reason as Error;
    })();
    this.#checking = checking;
    return checking.finally(() => {
      if (this.#checking === checking) this.#checking = null;
      if (this.#checkAgain && !this.#closed) {
        this.#checkAgain = false;
        this.#check().catch(() => {});
      }
    });
  }

  /** Loads a champion once however many ask; it serves once loaded if the alias still names it. */
  #load(ref: ChampionRef): Promise<ServedModel> {
    const previous = this.#previous.get(ref.model);
    if (previous && previous.version === ref.version && previous.artifactSha256 === ref.artifactSha256) {
      this.#serve(previous);
      return Promise.resolve(previous);
    }
    const key = `${ref.model}@${ref.version}:${ref.artifactSha256}`;
    let loading = this.#loads.get(key);
    if (!loading) {
      loading = loadServedModel(this.#store, ref, {
        ...(this.#workers === undefined ? {} : { workers: this.#workers }),
        ...(this.#memoLimit === undefined ? {} : { memoLimit: this.#memoLimit }),
      })
        .then((served) => {
          const current = this.#champions?.get(ref.model);
          if (current?.version === ref.version && current.artifactSha256 === ref.artifactSha256)
            this.#serve(served);
          return served;
        })
        .finally(() => this.#loads.delete(key));
      this.#loads.set(key, loading);
    }
    return loading;
  }

  /** Swaps in `served`: one reference replaced, so a request sees either version, never a mix. */
  #serve(served: ServedModel): void {
    if (this.#closed) return;
    const current = this.#served.get(served.model);
    if (current === served) return;
    if (current) this.#previous.set(served.model, current);
    this.#served.set(served.model, served);
  }
}

function canListen(db: Queryable): boolean {
  return typeof (db as Partial<Database>).listen === 'function';
}
