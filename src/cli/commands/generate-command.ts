/**
 * @module cli/commands/generate-command
 * `shelfcast generate`: writes the seeded demo data set (stores, suppliers, products, sales, stock,
 * promotions, prices, holidays and a deliberately bad sales batch) as CSV files.
 */
import type { Command } from 'commander';
import { DEMO_DEFAULTS, DemoDataError, type DemoDataResult, generateDemoData } from '../../demo/index.js';
import { CliError, ExitCode } from '../cli-error.js';
import { formatTable, ProgressBar, printJson } from '../output.js';

interface GenerateOptions {
  out: string;
  stores: number;
  products: number;
  days: number;
  seed: number;
  end?: string;
  json?: boolean;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Write a realistic, seeded demo data set of a retail chain as CSV files')
    .requiredOption('--out <dir>', 'directory to write the CSV files into (created if missing)')
    .option('--stores <n>', 'number of stores', positiveInt('--stores'), DEMO_DEFAULTS.stores)
    .option('--products <n>', 'number of products', positiveInt('--products'), DEMO_DEFAULTS.products)
    .option('--days <n>', 'length of the period in days', positiveInt('--days'), DEMO_DEFAULTS.days)
    .option(
      '--seed <n>',
      'random seed; the same seed and options give identical files',
      seedOption,
      DEMO_DEFAULTS.seed,
    )
    .option('--end <date>', 'last day of the period, YYYY-MM-DD (default: yesterday, UTC)')
    .option('--json', 'print one JSON object with the output directory, files and row counts')
    .action(async (options: GenerateOptions) => {
      const result = await runGenerate(options);
      if (options.json) printJson(summarise(result));
      else process.stdout.write(formatResult(result));
    });
}

async function runGenerate(options: GenerateOptions): Promise<DemoDataResult> {
  let bar: ProgressBar | undefined;
  try {
    const result = await generateDemoData(
      {
        outDir: options.out,
        stores: options.stores,
        products: options.products,
        days: options.days,
        seed: options.seed,
        ...(options.end === undefined ? {} : { end: options.end }),
      },
      (progress) => {
        if (progress.phase !== 'sales') return;
        bar ??= new ProgressBar('generating sales', progress.total, !options.json);
        bar.update(progress.completed, 'store-days');
      },
    );
    bar?.done('store-days');
    return result;
  } catch (error) {
    if (error instanceof DemoDataError) {
      throw new CliError(
        error.message,
        error.code === 'DEMO_INVALID_OPTION' ? ExitCode.usage : ExitCode.failure,
      );
    }
    throw error;
  }
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new CliError(`${name} must be a positive whole number, got '${value}'`);
    }
    return n;
  };
}

function seedOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 0xffff_ffff) {
    throw new CliError(`--seed must be a whole number from 0 to 4294967295, got '${value}'`);
  }
  return n;
}

/** The `--json` object: where the files are and how many rows each has. */
function summarise(result: DemoDataResult) {
  return {
    outDir: result.outDir,
    seed: result.seed,
    stores: result.stores,
    products: result.products,
    days: result.days,
    startDate: result.startDate,
    endDate: result.endDate,
    countries: result.countries,
    files: result.files.map((f) => ({ name: f.name, path: f.path, rows: f.rows, bytes: f.bytes })),
    badSalesIssues: result.badSales.length,
  };
}

function formatResult(result: DemoDataResult): string {
  const table = formatTable(
    ['file', 'rows', 'MB'],
    result.files.map((f) => [f.name, f.rows, Number((f.bytes / 1e6).toFixed(2))]),
  );
  return [
    `Wrote ${result.files.length} files to ${result.outDir}`,
    `period ${result.startDate} .. ${result.endDate}, ${result.stores} stores in ${result.countries.length} countries, ${result.products} products, seed ${result.seed}`,
    '',
    table,
    '',
    `bad_sales.csv holds ${result.badSales.length} deliberately bad rows among valid ones.`,
    '',
  ].join('\n');
}
