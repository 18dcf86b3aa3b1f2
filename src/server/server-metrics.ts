/**
 * @module server/server-metrics
 * The metrics one server exports at `/metrics`: requests by route and status, their latencies, jobs by
 * status, the model version each served model has loaded, and how long ago each entity last received
 * an applied ingest batch (data freshness).
 */
import { JOB_STATUSES } from '../jobs/job-queue.js';
import { lastAppliedBatches } from './data-freshness.js';
import { MetricsRegistry } from './metrics.js';
import type { ServerContext } from './server-context.js';

export interface ServerMetrics {
  registry: MetricsRegistry;
  /** Counts one answered request; `route` is the route pattern, never the raw URL. */
  observe(method: string, route: string, status: number, elapsedMs: number): void;
  /**
   * The same counting for one route, bound once: each call then costs two additions instead of
   * building label keys (it runs on every request, online forecasts included).
   */
  forRoute(method: string, route: string): (status: number, elapsedMs: number) => void;
}

/** Freshness is read at most this often; a scrape every few seconds must not rescan the batches. */
const FRESHNESS_CACHE_MS = 10_000;

export function registerServerMetrics(context: ServerContext): ServerMetrics {
  const registry = new MetricsRegistry();
  const requests = registry.counter(
    'shelfcast_http_requests_total',
    'HTTP requests answered, by method, route and status',
  );
  const latency = registry.histogram(
    'shelfcast_http_request_duration_seconds',
    'Time from receiving a request to answering it, by method and route',
  );
  const jobs = registry.gauge('shelfcast_jobs', 'Jobs by status');
  const modelVersion = registry.gauge('shelfcast_model_version', 'Version of each model the server serves');
  const modelLoaded = registry.gauge(
    'shelfcast_model_loaded_timestamp_seconds',
    'When that version was loaded',
  );
  const lastIngest = registry.gauge(
    'shelfcast_data_last_ingest_timestamp_seconds',
    'When the last applied ingest batch of each entity finished',
  );
  const freshness = registry.gauge(
    'shelfcast_data_freshness_seconds',
    'Seconds since the last applied ingest batch of each entity finished',
  );

  registry.collect(async () => {
    const counts = await context.jobs.counts();
    jobs.replace(JOB_STATUSES.map((status) => ({ labels: { status }, value: counts[status] ?? 0 })));
  });
  registry.collect(async () => {
    const loaded = context.models.loaded();
    modelVersion.replace(loaded.map((m) => ({ labels: { model: m.model }, value: m.version })));
    modelLoaded.replace(
      loaded.map((m) => ({ labels: { model: m.model }, value: Date.parse(m.loadedAt) / 1000 })),
    );
  });
  let freshnessReadAt = 0;
  let batches: { entity: string; finishedAt: number }[] = [];
  registry.collect(async () => {
    const now = Date.now();
    if (now - freshnessReadAt > FRESHNESS_CACHE_MS) {
      batches = await lastAppliedBatches(context.db);
      freshnessReadAt = now;
    }
    lastIngest.replace(batches.map((b) => ({ labels: { entity: b.entity }, value: b.finishedAt / 1000 })));
    freshness.replace(
      batches.map((b) => ({ labels: { entity: b.entity }, value: Math.max(0, (now - b.finishedAt) / 1000) })),
    );
  });

  return {
    registry,
    observe(method, route, status, elapsedMs) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, elapsedMs / 1000);
    },
    forRoute(method, route) {
      const byStatus = new Map<number, { inc(): void }>();
      let timing: { observe(value: number): void } | null = null;
      return (status, elapsedMs) => {
        let counter = byStatus.get(status);
        if (!counter) {
          counter = requests.labels({ method, route, status: String(status) });
          byStatus.set(status, counter);
        }
        counter.inc();
        timing ??= latency.labels({ method, route });
        timing.observe(elapsedMs / 1000);
      };
    },
  };
}
