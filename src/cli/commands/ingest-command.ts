/**
 * @module cli/commands/ingest-command
 * `shelfcast ingest ENTITY FILE`: one file in as one validated, all-or-nothing batch.
 */
import { type Command, Option } from 'commander';
import { ENTITIES } from '../../ingest/entities.js';
import { type IngestResult, ingestFile } from '../../ingest/ingest-file.js';
import { ingestResultJson } from '../../ingest/ingest-result-json.js';
import type { FileFormat } from '../../io/file-format.js';
import { ExitCode } from '../cli-error.js';
import { formatTable, ProgressBar, printJson } from '../output.js';
import { positiveInt, shareOption } from '../parse-options.js';
import { withDatabase } from '../with-database.js';

interface IngestCliOptions {
  json?: boolean;
  format?: FileFormat;
  maxRejectedShare?: number;
  maxUnits?: number;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description(
      `Load a CSV, JSON Lines or Parquet file as one batch: validated, applied whole or not at all; rejected rows go to quarantine.\nEntities: ${ENTITIES.map((e) => e.name).join(', ')}`,
    )
    .argument('<entity>', 'what the file holds')
    .argument('<file>', 'path of the file (.csv, .jsonl, .parquet)')
    .option('--json', 'print the result as one JSON object')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices([
        'csv',
        'jsonl',
        'parquet',
      ]),
    )
    .option(
      '--max-rejected-share <share>',
      'refuse the batch if more than this share of rows is rejected',
      shareOption('--max-rejected-share'),
      0.2,
    )
    .option(
      '--max-units <n>',
      'units per store, product and day above which a row is absurd',
      positiveInt('--max-units'),
    )
    .action(async (entity: string, file: string, options: IngestCliOptions) => {
      const result = await withDatabase(async (db) => {
        const progress = new ProgressBar(`ingest ${entity}`, 0, !options.json);
        const r = await ingestFile(db, entity, file, {
          ...(options.format ? { format: options.format } : {}),
          ...(options.maxRejectedShare !== undefined ? { maxRejectedShare: options.maxRejectedShare } : {}),
          ...(options.maxUnits ? { limits: { maxUnitsPerDay: options.maxUnits } } : {}),
          onProgress: ({ rowsRead }) => progress.update(rowsRead, 'rows'),
        });
        progress.done('rows');
        return r;
      });
      if (options.json) printJson(ingestResultJson(result));
      else process.stdout.write(`${formatIngestResult(result)}\n`);
      process.exitCode = result.status === 'refused' ? ExitCode.refused : ExitCode.ok;
    });
}

/** The stable JSON shape scripts rely on (kept where demo-command and others import it from). */
export type { ingestResultJson };

export function formatIngestResult(r: IngestResult): string {
  const lines = [
    `batch ${r.batchId} (${r.entity} from ${r.file}): ${r.status.toUpperCase()}`,
    `  read ${r.rowsRead.toLocaleString('en-US')}, inserted ${r.rowsInserted.toLocaleString('en-US')}, updated ${r.rowsUpdated.toLocaleString('en-US')}, unchanged ${r.rowsUnchanged.toLocaleString('en-US')}, rejected ${r.rowsRejected.toLocaleString('en-US')} in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  ${r.message}`,
  ];
  if (r.unknownColumns.length > 0) lines.push(`  ignored unknown columns: ${r.unknownColumns.join(', ')}`);
  if (r.issues.length > 0) {
    lines.push('', 'Rejected rows by reason:');
    lines.push(
      formatTable(
        ['code', 'field', 'rows', 'first at', 'example'],
        r.issues.map((i) => [i.code, i.field ?? '', i.count, `${r.file}:${i.firstLine}`, i.example]),
      ),
    );
  }
  return lines.join('\n');
}
