/**
 * @module db/migrations/0006-serving
 * Batch forecasts: every store × SKU × day a champion version forecast in a batch run, and one row per
 * run (per model version: a rerun of the same version replaces it). Models are named by text, not by
 * foreign key, so forecasts stay readable after a version is deleted from the registry.
 */
import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 6,
  name: 'serving',
  sql: `
CREATE TABLE batch_forecast_runs (
  model           text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  horizon         integer NOT NULL CHECK (horizon > 0),
  quantiles       jsonb NOT NULL,
  pair_count      integer NOT NULL CHECK (pair_count >= 0),
  row_count       integer NOT NULL CHECK (row_count >= 0),
  seconds         double precision NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version)
);
CREATE INDEX batch_forecast_runs_recent_idx ON batch_forecast_runs (created_at DESC);

CREATE TABLE batch_forecasts (
  model           text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  store_code      text NOT NULL,
  sku             text NOT NULL,
  forecast_date   date NOT NULL,
  algorithm       text NOT NULL,
  mean            double precision NOT NULL CHECK (mean >= 0),
  -- Quantile level as text ("0.1") → value.
  quantiles       jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, version, store_code, sku, forecast_date)
);
`,
};
