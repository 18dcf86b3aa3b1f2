/**
 * @module serving/testing/serving-fixture
 * Test and benchmark fixtures: model bundles fitted on seeded demand-like series, stored in an
 * artifact store and registered as model versions, as `shelfcast train` would leave them.
 */
import type { Database } from '../../db/database.js';
import {
  type BundleSeries,
  fitBundleSeries,
  MODEL_BUNDLE_FORMAT,
  type ModelBundle,
} from '../../models/model-bundle.js';
import { modelCatalog } from '../../models/model-catalog.js';
import { registerModelVersion } from '../../registry/model-registry.js';
import type { ArtifactStore } from '../../tracking/artifact-store.js';

export interface BundleSpec {
  stores: number;
  products: number;
  /** History length per series, in days. */
  days?: number;
  /** Models given to the series in turn, e.g. ['theta', 'croston']. */
  models: readonly string[];
  /** Hyperparameters per model name. */
  params?: Record<string, Record<string, string | number | boolean>>;
  horizon?: number;
  quantiles?: number[];
  seed?: number;
  lastDay?: string;
}

/** Store code of the i-th fixture store: S01, S02, ... */
export function fixtureStore(i: number): string {
  return `S${String(i + 1).padStart(2, '0')}`;
}

/** SKU of the j-th fixture product: P0001, P0002, ... */
export function fixtureSku(j: number): string {
  return `P${String(j + 1).padStart(4, '0')}`;
}

/** mulberry32: a small seeded uniform generator. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily units with a weekly profile; every fifth series is intermittent (mostly zeros). */
function demandSeries(rand: () => number, days: number, intermittent: boolean): Float64Array {
  const level = intermittent ? 0.3 + rand() * 0.5 : 2 + rand() * 40;
  const strength = 0.1 + 0.5 * rand();
  const week = [0.85, 0.8, 0.9, 0.95, 1.15, 1.45, 0.9];
  const y = new Float64Array(days);
  for (let t = 0; t < days; t++) {
    const mean = level * (1 + strength * ((week[t % 7] as number) - 1));
    // Poisson draw by inversion: small means only.
    if (intermittent || mean < 30) {
      let k = 0;
      let p = Math.exp(-mean);
      let s = p;
      const u = rand();
      while (u > s && k < 200) {
        k++;
        p *= mean / k;
        s += p;
      }
      y[t] = k;
    } else {
      y[t] = Math.max(0, Math.round(mean + Math.sqrt(mean) * (rand() + rand() + rand() - 1.5) * 2));
    }
  }
  return y;
}

/**
 * Fits a bundle of stores × products series, the models taken in turn.
 *
 * @example
 * const bundle = fixtureBundle({ stores: 2, products: 3, models: ['theta', 'croston'] });
 */
export function fixtureBundle(spec: BundleSpec): ModelBundle {
  const rand = uniforms(spec.seed ?? 1);
  const days = spec.days ?? 120;
  const series: BundleSeries[] = [];
  let n = 0;
  for (let i = 0; i < spec.stores; i++) {
    for (let j = 0; j < spec.products; j++) {
      const model = spec.models[n % spec.models.length] as string;
      const y = demandSeries(rand, days, n % 5 === 4);
      series.push(
        fitBundleSeries(modelCatalog, {
          store: fixtureStore(i),
          product: fixtureSku(j),
          segment: 'all',
          lastDay: spec.lastDay ?? '2026-06-30',
          model,
          params: spec.params?.[model] ?? {},
          y,
          seasonLength: 7,
        }),
      );
      n++;
    }
  }
  return {
    format: MODEL_BUNDLE_FORMAT,
    freq: 'D',
    seasonLength: 7,
    horizon: spec.horizon ?? 14,
    quantiles: spec.quantiles ?? [0.1, 0.5, 0.9],
    series,
  };
}

/** Stores `bundle` and registers it as the next version of `model` (not promoted). */
export async function registerBundle(
  db: Database,
  store: ArtifactStore,
  model: string,
  bundle: ModelBundle,
): Promise<{ version: number; sha256: string }> {
  const stored = await store.put(JSON.stringify(bundle));
  const v = await registerModelVersion(db, {
    model,
    signature: { features: ['units'], frequency: 'D', horizon: bundle.horizon, quantiles: bundle.quantiles },
    metrics: { mase: 1 },
    lineage: { backtestId: 'fixture', dataSnapshotHash: 'fixture' },
    artifact: { sha256: stored.sha256, uri: stored.uri },
    actor: 'test',
  });
  return { version: v.version, sha256: stored.sha256 };
}
