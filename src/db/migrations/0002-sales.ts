/**
 * @module db/migrations/0002-sales
 * Facts: daily sales, stock snapshots, price lists and promotions. Keys are the catalog's integer
 * ids (compact for tens of millions of rows); natural keys are resolved at ingest.
 *
 * The two high-volume tables (sales, stock_snapshots) carry no foreign keys: PostgreSQL checks a
 * foreign key with a trigger per row, which tripled the embedded ingest time. Ingestion resolves
 * every code against the catalog inside the same transaction, and catalog rows are retired, never
 * deleted (docs/decisions/0003-no-foreign-keys-on-fact-tables.md).
 */
import type { Migration } from '../migration.js';

export const migration: Migration = {
  version: 2,
  name: 'sales',
  sql: `
CREATE TABLE sales (
  store_id        integer NOT NULL,
  product_id      integer NOT NULL,
  sale_date       date NOT NULL,
  units           numeric(12, 3) NOT NULL CHECK (units >= 0),
  revenue         numeric(14, 2) CHECK (revenue >= 0),
  price           numeric(12, 4) CHECK (price >= 0),
  on_promotion    boolean NOT NULL DEFAULT false,
  batch_id        bigint NOT NULL,
  PRIMARY KEY (store_id, product_id, sale_date)
);

CREATE TABLE stock_snapshots (
  store_id        integer NOT NULL,
  product_id      integer NOT NULL,
  snapshot_date   date NOT NULL,
  on_hand         numeric(12, 3) NOT NULL CHECK (on_hand >= 0),
  on_order        numeric(12, 3) NOT NULL DEFAULT 0 CHECK (on_order >= 0),
  batch_id        bigint NOT NULL,
  PRIMARY KEY (store_id, product_id, snapshot_date)
);

CREATE TABLE prices (
  product_id      integer NOT NULL REFERENCES products (product_id),
  country         char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  valid_from      date NOT NULL,
  price           numeric(12, 4) NOT NULL CHECK (price >= 0),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  batch_id        bigint NOT NULL,
  PRIMARY KEY (product_id, country, valid_from)
);

CREATE TABLE promotions (
  store_id        integer NOT NULL REFERENCES stores (store_id),
  product_id      integer NOT NULL REFERENCES products (product_id),
  start_date      date NOT NULL,
  end_date        date NOT NULL,
  discount_pct    numeric(5, 2) NOT NULL CHECK (discount_pct >= 0 AND discount_pct <= 100),
  kind            text NOT NULL,
  batch_id        bigint NOT NULL,
  PRIMARY KEY (store_id, product_id, start_date),
  CHECK (end_date >= start_date)
);
`,
};
