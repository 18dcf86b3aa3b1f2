/**
 * @module validation/data-summary
 * A short statistical picture of what is stored: row counts per table, the date range of sales,
 * countries, and the share of zero-sales days (how intermittent demand is).
 */
import type { Queryable } from '../db/database.js';

export interface DataSummary {
  tables: Record<string, number>;
  countries: string[];
  currencies: string[];
  salesFrom: string | null;
  salesTo: string | null;
  storeProductPairs: number;
  zeroSalesShare: number | null;
  unitsSold: number;
}

const TABLES = [
  'stores',
  'suppliers',
  'products',
  'product_suppliers',
  'holidays',
  'prices',
  'promotions',
  'sales',
  'stock_snapshots',
  'quarantine_rows',
] as const;

export async function summarizeData(db: Queryable): Promise<DataSummary> {
  const tables: Record<string, number> = {};
  for (const t of TABLES) {
    const rows = await db.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${t}`);
    tables[t] = Number(rows[0]?.n ?? 0);
  }
  const stores = await db.query<{ countries: string[] | null; currencies: string[] | null }>(
    'SELECT array_agg(DISTINCT country ORDER BY country) AS countries, array_agg(DISTINCT currency ORDER BY currency) AS currencies FROM stores',
  );
  const sales = await db.query<{
    from: string | null;
    to: string | null;
    zero: number | null;
    units: number | null;
  }>(
    `SELECT min(sale_date) AS from, max(sale_date) AS to,
            avg(CASE WHEN units = 0 THEN 1.0 ELSE 0.0 END)::float8 AS zero, sum(units)::float8 AS units FROM sales`,
  );
  const pairs = await db.query<{ n: number }>(
    'SELECT count(*)::bigint AS n FROM (SELECT DISTINCT store_id, product_id FROM sales) p',
  );
  return {
    tables,
    countries: (stores[0]?.countries ?? []).map((c) => c.trim()),
    currencies: (stores[0]?.currencies ?? []).map((c) => c.trim()),
    salesFrom: sales[0]?.from ?? null,
    salesTo: sales[0]?.to ?? null,
    storeProductPairs: Number(pairs[0]?.n ?? 0),
    zeroSalesShare: sales[0]?.zero ?? null,
    unitsSold: Number(sales[0]?.units ?? 0),
  };
}
