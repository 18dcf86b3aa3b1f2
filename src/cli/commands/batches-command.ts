/**
 * @module cli/commands/batches-command
 * `shelfcast batches list|show ID`: ingestion history, validation reports and quarantined rows.
 */
import type { Command } from 'commander';
import { getBatch, listBatches } from '../../ingest/batch-queries.js';
import { CliError } from '../cli-error.js';
import { formatTable, printJson } from '../output.js';
import { positiveInt } from '../parse-options.js';
import { withDatabase } from '../with-database.js';

export function registerBatchesCommand(program: Command): void {
  const batches = program
    .command('batches')
    .description('Ingestion batches: status, validation reports, quarantined rows');
  batches
    .command('list')
    .description('recent batches, newest first')
    .option('--entity <entity>', 'only batches of this entity')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--json', 'print JSON')
    .action(async (options: { entity?: string; limit: number; json?: boolean }) => {
      const rows = await withDatabase((db) =>
        listBatches(db, { limit: options.limit, ...(options.entity ? { entity: options.entity } : {}) }),
      );
      if (options.json) return printJson(rows);
      process.stdout.write(
        `${formatTable(
          [
            'batch',
            'entity',
            'status',
            'read',
            'inserted',
            'updated',
            'unchanged',
            'rejected',
            'file',
            'started',
          ],
          rows.map((b) => [
            b.batchId,
            b.entity,
            b.status,
            b.rowsRead,
            b.rowsInserted,
            b.rowsUpdated,
            b.rowsUnchanged,
            b.rowsRejected,
            b.sourceFile,
            b.startedAt,
          ]),
        )}\n`,
      );
    });
  batches
    .command('show')
    .description('one batch: its report, column statistics and quarantined rows')
    .argument('<id>', 'batch id', positiveInt('batch id'))
    .option('--limit <n>', 'quarantined rows to show', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (id: number, options: { limit: number; json?: boolean }) => {
      const batch = await withDatabase((db) => getBatch(db, id, options.limit));
      if (!batch) throw new CliError(`no batch ${id}; see 'shelfcast batches list'`);
      if (options.json) return printJson(batch);
      const out = [
        `batch ${batch.batchId}: ${batch.entity} from ${batch.sourceFile} (${batch.sourceFormat}) — ${batch.status}`,
        `  ${batch.message ?? ''}`,
        `  read ${batch.rowsRead}, inserted ${batch.rowsInserted}, updated ${batch.rowsUpdated}, unchanged ${batch.rowsUnchanged}, rejected ${batch.rowsRejected}`,
        '',
        'Column statistics:',
        formatTable(
          ['column', 'count', 'missing', 'min', 'max', 'mean', 'p50', 'distinct'],
          batch.columnStats.map((s) => [
            s.column,
            s.count,
            s.missing,
            s.min,
            s.max,
            s.mean,
            s.quantiles?.['0.5'] ?? null,
            s.distinct,
          ]),
        ),
      ];
      if (batch.quarantine.length > 0) {
        out.push('', `Quarantined rows (first ${batch.quarantine.length} of ${batch.rowsRejected}):`);
        out.push(
          formatTable(
            ['line', 'field', 'code', 'reason'],
            batch.quarantine.map((q) => [String(q.line), q.field ?? '', q.code, q.reason]),
          ),
        );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
