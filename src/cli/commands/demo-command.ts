/**
 * @module cli/commands/demo-command
 * `shelfcast demo`: the main job on the embedded default. Generates the seeded demo chain, ingests
 * every file through validation (including a deliberately bad batch), and prints what is stored.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { storageSettingsFromEnv } from '../../db/open-database.js';
import { DEMO_DEFAULTS, generateDemoData } from '../../demo/index.js';
import { type IngestResult, ingestFile } from '../../ingest/ingest-file.js';
import { ingestResultJson } from '../../ingest/ingest-result-json.js';
import { standardPipeline } from '../../pipeline-config/standard-pipeline.js';
import { type TrainSummary, trainFromConfig } from '../../pipeline-config/train.js';
import { DEFAULT_RATE_LIMIT } from '../../server/server-context.js';
import { type DataSummary, summarizeData } from '../../validation/data-summary.js';
import { CliError, ExitCode } from '../cli-error.js';
import { formatTable, ProgressBar, printJson } from '../output.js';
import { portOption, positiveInt } from '../parse-options.js';
import { pipelineProgress } from '../pipeline-progress.js';
import { withDatabase } from '../with-database.js';
import { serve } from './serve-command.js';
import { report as reportTrain } from './train-command.js';

/** The commented standard config shipped in examples/, which the demo trains with. */
export const DEMO_PIPELINE_CONFIG = fileURLToPath(
  new URL('../../../examples/pipelines/demand-forecast.yaml', import.meta.url),
);

interface DemoOptions {
  stores: number;
  products: number;
  days: number;
  seed: number;
  end?: string;
  out?: string;
  json?: boolean;
  /** commander's --no-train */
  train: boolean;
  /** commander's --no-serve */
  serve: boolean;
  port: number;
  config?: string;
}

/** Demo files in dependency order: every entity only refers to entities loaded before it. */
export const DEMO_INGEST_ORDER: readonly [entity: string, file: string][] = [
  ['suppliers', 'suppliers.csv'],
  ['products', 'products.csv'],
  ['product-suppliers', 'product_suppliers.csv'],
  ['stores', 'stores.csv'],
  ['holidays', 'holidays.csv'],
  ['prices', 'prices.csv'],
  ['promotions', 'promotions.csv'],
  ['sales', 'sales.csv'],
  ['stock', 'stock.csv'],
  ['sales', 'bad_sales.csv'],
];

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'The main job: generate the demo retail chain, ingest and validate it, and summarise what is stored',
    )
    .option('--stores <n>', 'number of stores', positiveInt('--stores'), DEMO_DEFAULTS.stores)
    .option('--products <n>', 'number of products', positiveInt('--products'), DEMO_DEFAULTS.products)
    .option('--days <n>', 'days of history', positiveInt('--days'), DEMO_DEFAULTS.days)
    .option('--seed <n>', 'random seed', positiveInt('--seed'), DEMO_DEFAULTS.seed)
    .option('--end <date>', 'last day of history, YYYY-MM-DD (default: yesterday, UTC)')
    .option('--out <dir>', 'where to write the generated files (default: $SHELFCAST_HOME/demo-data)')
    .option('--config <file>', 'pipeline config to train with', DEMO_PIPELINE_CONFIG)
    .option('--no-train', 'stop after ingestion (no training run, no serving)')
    .option('--no-serve', 'exit after training and the batch forecasts instead of serving the API')
    .option('--port <port>', 'port of the API the demo serves at the end', portOption, 8080)
    .option('--json', 'print one JSON object instead of tables')
    .action(async (options: DemoOptions) => {
      const started = Date.now();
      const result = await runDemo(options);
      if (!options.json) process.stdout.write(`${formatDemo(result)}\n`);
      let training: TrainSummary | undefined;
      if (options.train) {
        if (!options.json)
          process.stderr.write(`\n4/4 training with ${options.config ?? DEMO_PIPELINE_CONFIG}\n`);
        training = await trainFromConfig(options.config ?? DEMO_PIPELINE_CONFIG, {
          onEvent: pipelineProgress(standardPipeline.nodes.length, !options.json),
        });
      }
      if (options.json) {
        printJson({
          storage: result.storage,
          dataDir: result.dataDir,
          batches: result.batches.map(ingestResultJson),
          summary: result.summary,
          training: training
            ? {
                runId: training.runId,
                status: training.status,
                steps: training.steps,
                evaluation: training.outputs.evaluate?.evaluation ?? null,
                registration: training.outputs.register?.registration ?? null,
                forecastsPath: training.forecastsPath,
              }
            : null,
          durationMs: Date.now() - started,
        });
        const failed = training?.steps.find((st) => st.status === 'failed');
        if (failed)
          throw new CliError(
            `training failed at ${failed.name}: ${failed.error ?? 'see the run log'}`,
            ExitCode.failure,
          );
      } else if (training) {
        reportTrain(training, false);
        process.stdout.write(`\nDemo done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
      }
      if (training && options.serve) {
        if (!options.json)
          process.stdout.write(
            '\nServing the champion over HTTP until stopped (Ctrl-C); `shelfcast demo --no-serve` exits here instead.\n',
          );
        await serve({ port: options.port, host: '127.0.0.1', rateLimit: DEFAULT_RATE_LIMIT.perSecond });
      }
    });
}

export interface DemoResult {
  storage: string;
  dataDir: string;
  batches: IngestResult[];
  summary: DataSummary;
  durationMs: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const settings = storageSettingsFromEnv();
  const dataDir = options.out ?? join(settings.home, 'demo-data');
  const say = (text: string) => {
    if (!options.json) process.stderr.write(`${text}\n`);
  };
  say(`1/${options.train ? 4 : 3} generating the demo chain into ${dataDir}`);
  let bar: ProgressBar | undefined;
  await generateDemoData(
    {
      outDir: dataDir,
      stores: options.stores,
      products: options.products,
      days: options.days,
      seed: options.seed,
      ...(options.end ? { end: options.end } : {}),
    },
    (p) => {
      if (p.phase !== 'sales') return;
      bar ??= new ProgressBar('    simulating sales', p.total, !options.json);
      bar.update(p.completed, 'store-days');
    },
  );
  bar?.done('store-days');

  return withDatabase(async (db) => {
    say(
      `2/${options.train ? 4 : 3} ingesting and validating into ${db.backend === 'pglite' ? `the embedded database (${db.location})` : `PostgreSQL (${db.location})`}`,
    );
    const batches: IngestResult[] = [];
    for (const [entity, file] of DEMO_INGEST_ORDER) {
      const progress = new ProgressBar(`    ${file}`, 0, !options.json);
      const result = await ingestFile(db, entity, join(dataDir, file), {
        onProgress: ({ rowsRead, estimatedRows }) =>
          progress.update(rowsRead, `of ~${estimatedRows.toLocaleString('en-US')} rows`),
      });
      progress.done('rows');
      batches.push(result);
    }
    say(`3/${options.train ? 4 : 3} summarising the stored data`);
    const summary = await summarizeData(db);
    return {
      storage: `${db.backend} ${db.location}`,
      dataDir,
      batches,
      summary,
      durationMs: Date.now() - started,
    };
  });
}

function formatDemo(r: DemoResult): string {
  const s = r.summary;
  const bad = r.batches.at(-1);
  const out = [
    '',
    `shelfcast demo — ${r.storage}`,
    '',
    'Ingestion batches:',
    formatTable(
      ['batch', 'entity', 'file', 'status', 'read', 'inserted', 'updated', 'unchanged', 'rejected'],
      r.batches.map((b) => [
        b.batchId,
        b.entity,
        b.file.split('/').at(-1),
        b.status,
        b.rowsRead,
        b.rowsInserted,
        b.rowsUpdated,
        b.rowsUnchanged,
        b.rowsRejected,
      ]),
    ),
    '',
    'Stored data:',
    `  ${s.tables.stores} stores in ${s.countries.length} countries (${s.countries.join(', ')}), ${s.currencies.length} currencies`,
    `  ${s.tables.products} products from ${s.tables.suppliers} suppliers (${s.tables.product_suppliers} purchasing terms)`,
    `  ${(s.tables.sales ?? 0).toLocaleString('en-US')} daily sales rows for ${s.storeProductPairs.toLocaleString('en-US')} store × product pairs, ${s.salesFrom} to ${s.salesTo}`,
    `  ${Math.round(s.unitsSold).toLocaleString('en-US')} units sold; ${((s.zeroSalesShare ?? 0) * 100).toFixed(1)} % of store-product-days sold nothing`,
    `  ${(s.tables.stock_snapshots ?? 0).toLocaleString('en-US')} stock snapshots, ${s.tables.promotions} promotions, ${s.tables.prices} price-list entries, ${s.tables.holidays} holidays`,
  ];
  if (bad && bad.issues.length > 0) {
    out.push(
      '',
      `Validation at work — ${bad.file.split('/').at(-1)} (batch ${bad.batchId}, ${bad.status}): ${bad.rowsRejected} of ${bad.rowsRead} rows quarantined`,
      formatTable(
        ['code', 'field', 'rows', 'first line', 'example'],
        bad.issues.map((i) => [i.code, i.field ?? '', i.count, String(i.firstLine), i.example]),
      ),
      `  See every rejected row with: npx shelfcast batches show ${bad.batchId}`,
    );
  }
  out.push('', `Done in ${(r.durationMs / 1000).toFixed(1)} s.`);
  return out.join('\n');
}
