/**
 * @module server/routes/ingestion-routes
 * `/v1/ingestion`: a file upload (the raw body) or a JSON list of rows becomes one validated,
 * all-or-nothing batch, exactly as `shelfcast ingest` makes one. A body up to the inline limit
 * (default 8 MiB) is ingested within the request (201 with the batch); a larger one is saved and
 * ingested by an `ingest` job (202 with the job; its result is the batch). Batches, their validation
 * reports and quarantined rows are read back by id.
 */
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { getBatch, listBatches } from '../../ingest/batch-queries.js';
import { ENTITIES } from '../../ingest/entities.js';
import { type IngestOptions, type IngestResult, ingestFile } from '../../ingest/ingest-file.js';
import { ingestResultJson } from '../../ingest/ingest-result-json.js';
import type { FileFormat } from '../../io/file-format.js';
import { ApiError, badRequest, notFound } from '../api-error.js';
import { type AnyRoute, common, defineRoute } from '../define-route.js';
import type { ServerContext } from '../server-context.js';
import { removeUpload, type SavedUpload, saveUpload } from '../uploads.js';
import { jobSchema } from './job-routes.js';

/** Content types an upload may be sent as, and the format each means. */
const UPLOAD_FORMATS: Record<string, FileFormat | null> = {
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/vnd.apache.parquet': 'parquet',
  'application/x-parquet': 'parquet',
  // The format then comes from ?format= or the file name's extension.
  'application/octet-stream': null,
};
export const UPLOAD_CONTENT_TYPES = Object.keys(UPLOAD_FORMATS);

const EXTENSION: Record<FileFormat, string> = { csv: '.csv', jsonl: '.jsonl', parquet: '.parquet' };
const FORMAT_OF_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

const entityNames = ENTITIES.map((e) => e.name) as [string, ...string[]];
const entityParams = z.strictObject({ entity: z.enum(entityNames).describe('what the rows hold') });

const ingestOptions = {
  maxRejectedShare: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('refuse the batch when more than this share of rows is rejected (default 0.2)'),
  maxUnits: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('units per store, product and day above which a row is absurd'),
};

const issueSchema = z.object({
  code: z.string(),
  field: z.string().nullable(),
  count: z.number(),
  firstLine: z.number(),
  example: z.string(),
});
const quarantinedSchema = z.object({
  line: z.number(),
  field: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
  raw: z.record(z.string(), z.unknown()).nullable(),
});
const batchResultSchema = z.object({
  batchId: z.number(),
  entity: z.string(),
  file: z.string(),
  format: z.string(),
  status: z.enum(['applied', 'refused', 'duplicate']),
  rowsRead: z.number(),
  rowsInserted: z.number(),
  rowsUpdated: z.number(),
  rowsUnchanged: z.number(),
  rowsRejected: z.number(),
  duplicateOf: z.number().nullable(),
  message: z.string(),
  issues: z.array(issueSchema),
  unknownColumns: z.array(z.string()),
  durationMs: z.number(),
  quarantine: z.array(quarantinedSchema).describe('the first quarantined rows (all: GET the batch)'),
});
const batchSummarySchema = z.object({
  batchId: z.number(),
  entity: z.string(),
  sourceFile: z.string(),
  sourceFormat: z.string(),
  status: z.string(),
  rowsRead: z.number(),
  rowsInserted: z.number(),
  rowsUpdated: z.number(),
  rowsUnchanged: z.number(),
  rowsRejected: z.number(),
  duplicateOf: z.number().nullable(),
  message: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
const batchDetailSchema = batchSummarySchema.extend({
  report: z.record(z.string(), z.unknown()).describe('issues by reason, unknown columns, limits applied'),
  columnStats: z.array(
    z.object({
      column: z.string(),
      count: z.number(),
      missing: z.number(),
      min: z.string().nullable(),
      max: z.string().nullable(),
      mean: z.number().nullable(),
      stddev: z.number().nullable(),
      quantiles: z.record(z.string(), z.number()).nullable(),
      distinct: z.number(),
    }),
  ),
  quarantine: z.array(quarantinedSchema),
});

/** First quarantined rows returned with an inline ingest. */
const INLINE_QUARANTINE_ROWS = 50;
/** Largest `offset + limit` of the quarantine listing. */
const QUARANTINE_WINDOW = 100_000;

const cellValue = z.union([
  z.string().max(100_000),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(10_000)),
]);

export function ingestionRoutes(ctx: ServerContext): AnyRoute[] {
  /** Ingests now, or hands the saved file to a job when it is large (or the client asks for a job). */
  async function ingestUpload(
    entity: string,
    upload: SavedUpload,
    shownName: string,
    format: FileFormat,
    options: { maxRejectedShare?: number | undefined; maxUnits?: number | undefined; async?: boolean },
    callerId: string,
    status: (code: number) => void,
  ) {
    if (options.async || upload.bytes > ctx.settings.inlineIngestLimit) {
      const job = await ctx.jobs.enqueue(
        'ingest',
        {
          entity,
          path: upload.path,
          format,
          ...(options.maxRejectedShare !== undefined ? { maxRejectedShare: options.maxRejectedShare } : {}),
          ...(options.maxUnits !== undefined ? { maxUnits: options.maxUnits } : {}),
        },
        { createdBy: callerId },
      );
      ctx.uploads.watch(job.id, upload);
      status(202);
      return job;
    }
    try {
      const ingestOptions: IngestOptions = { format };
      if (options.maxRejectedShare !== undefined) ingestOptions.maxRejectedShare = options.maxRejectedShare;
      if (options.maxUnits !== undefined) ingestOptions.limits = { maxUnitsPerDay: options.maxUnits };
      const result = await ingestFile(ctx.db, entity, upload.path, ingestOptions);
      const batch =
        result.rowsRejected > 0 ? await getBatch(ctx.db, result.batchId, INLINE_QUARANTINE_ROWS) : null;
      return resultJson(result, shownName, batch?.quarantine ?? []);
    } catch (error) {
      // Messages name the file: the client's name, not where the server keeps it.
      if (error instanceof Error) error.message = error.message.split(upload.path).join(shownName);
      throw error;
    } finally {
      await removeUpload(upload);
    }
  }

  const accepted = {
    201: { description: 'ingested within the request: the batch', schema: batchResultSchema },
    202: { description: 'large: ingesting as a job (its result is the batch)', schema: jobSchema },
  } as const;

  return [
    defineRoute({
      method: 'GET',
      url: '/v1/ingestion/entities',
      summary: 'What can be ingested: entities and their columns',
      tag: 'ingestion',
      access: 'viewer',
      responses: {
        200: {
          description: 'entities in dependency order',
          schema: z.object({
            items: z.array(
              z.object({
                name: z.string(),
                description: z.string(),
                key: z.array(z.string()),
                columns: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean() })),
              }),
            ),
          }),
        },
      },
      handler: async () => ({
        items: ENTITIES.map((e) => ({
          name: e.name,
          description: e.description,
          key: [...e.naturalKey],
          columns: e.columns.map((c) => ({ name: c.name, type: c.type, required: c.required })),
        })),
      }),
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/ingestion/:entity/file',
      summary: 'Upload a CSV, JSON Lines or Parquet file as one batch',
      description:
        'Send the file as the raw body (`curl --data-binary @sales.csv -H "Content-Type: text/csv"`). ' +
        'A re-sent file changes nothing (its batch says `duplicate`). Up to the inline limit the answer is ' +
        'the batch (201); above it a job (202) whose result is the batch.',
      tag: 'ingestion',
      access: 'analyst',
      params: entityParams,
      query: z.strictObject({
        format: z
          .enum(['csv', 'jsonl', 'parquet'])
          .optional()
          .describe('default: from the Content-Type or file name'),
        filename: z
          .string()
          .regex(
            /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
            'letters, digits, dot, dash and underscore; at most 100',
          )
          .optional()
          .describe('the file name to record with the batch'),
        async: z.stringbool().default(false).describe('always run as a job'),
        ...ingestOptions,
      }),
      consumes: UPLOAD_CONTENT_TYPES,
      responses: accepted,
      errors: { 409: 'another batch changed the same rows at the same time; send it again' },
      audit: { action: 'ingest.upload' },
      handler: async ({ params, query, body, request, caller, audit, status }) => {
        const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const named = query.filename ? FORMAT_OF_EXTENSION[extname(query.filename).toLowerCase()] : undefined;
        const format = query.format ?? UPLOAD_FORMATS[contentType] ?? named;
        if (!format)
          throw badRequest(
            'cannot tell the file format: send Content-Type text/csv, application/x-ndjson or application/vnd.apache.parquet, or add ?format=',
          );
        const stem = query.filename ? query.filename.replace(/\.[^.]*$/, '') || 'upload' : 'upload';
        const shownName = query.filename ?? `upload${EXTENSION[format]}`;
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > ctx.settings.uploadLimit)
          throw new ApiError(
            413,
            'PAYLOAD_TOO_LARGE',
            `the upload (${declared} bytes) is larger than this server accepts`,
          );
        const upload = await saveUpload(
          body as unknown as Readable,
          ctx.settings.home,
          `${stem}${EXTENSION[format]}`,
          ctx.settings.uploadLimit,
        );
        audit(`ingestion/${params.entity}`, { file: shownName, bytes: upload.bytes });
        return ingestUpload(params.entity, upload, shownName, format, query, caller!.id, status);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/ingestion/:entity/rows',
      summary: 'Post rows as JSON: one batch',
      description:
        "Each row is an object with the entity's columns (see GET /v1/ingestion/entities); values may be " +
        'strings, numbers, booleans or null. The same rows sent twice change nothing.',
      tag: 'ingestion',
      access: 'analyst',
      params: entityParams,
      body: z.strictObject({
        rows: z
          .array(z.record(z.string().max(200), cellValue))
          .min(1)
          .max(200_000),
        ...ingestOptions,
        async: z.boolean().default(false).describe('always run as a job'),
      }),
      bodyLimit: ctx.settings.rowsBodyLimit,
      responses: accepted,
      errors: { 409: 'another batch changed the same rows at the same time; send it again' },
      audit: { action: 'ingest.rows' },
      handler: async ({ params, body, caller, audit, status }) => {
        const columns = [...new Set(body.rows.flatMap((r) => Object.keys(r)))];
        if (columns.length === 0)
          throw badRequest('the rows have no fields', [
            { in: 'body', path: 'rows', message: 'every row is empty' },
          ]);
        let text = '';
        for (const row of body.rows) {
          const full: Record<string, unknown> = {};
          for (const c of columns) full[c] = row[c] ?? null;
          text += `${JSON.stringify(full)}\n`;
        }
        const upload = await saveUpload(
          Readable.from([Buffer.from(text)]),
          ctx.settings.home,
          'rows.jsonl',
          Number.MAX_SAFE_INTEGER,
        );
        audit(`ingestion/${params.entity}`, { rows: body.rows.length });
        return ingestUpload(params.entity, upload, 'rows.jsonl', 'jsonl', body, caller!.id, status);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/ingestion/batches',
      summary: 'Recent batches, newest first',
      tag: 'ingestion',
      access: 'viewer',
      query: z.strictObject({
        entity: z.enum(entityNames).optional(),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
      }),
      responses: {
        200: { description: 'batches', schema: z.object({ items: z.array(batchSummarySchema) }) },
      },
      handler: async ({ query }) => ({
        items: await listBatches(ctx.db, {
          limit: query.limit,
          ...(query.entity ? { entity: query.entity } : {}),
        }),
      }),
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/ingestion/batches/:id',
      summary: 'One batch: status, validation report, column statistics, first quarantined rows',
      tag: 'ingestion',
      access: 'viewer',
      params: z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
      query: z.strictObject({ quarantineLimit: z.coerce.number().int().min(0).max(1000).default(100) }),
      responses: { 200: { description: 'the batch', schema: batchDetailSchema } },
      handler: async ({ params, query }) => {
        const batch = await getBatch(ctx.db, params.id, query.quarantineLimit);
        if (!batch) throw notFound(`there is no batch ${params.id}; see GET /v1/ingestion/batches`);
        return batch;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/ingestion/batches/:id/quarantine',
      summary: "A page of a batch's quarantined rows, in line order",
      tag: 'ingestion',
      access: 'viewer',
      params: z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
      query: z.strictObject(common.page(100, 1000)),
      responses: {
        200: {
          description: 'quarantined rows',
          schema: z.object({
            items: z.array(quarantinedSchema),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
      handler: async ({ params, query }) => {
        if (query.offset + query.limit > QUARANTINE_WINDOW)
          throw badRequest(`offset + limit may be at most ${QUARANTINE_WINDOW}`, [
            { in: 'query', path: 'offset', message: `offset + limit may be at most ${QUARANTINE_WINDOW}` },
          ]);
        const batch = await getBatch(ctx.db, params.id, query.offset + query.limit);
        if (!batch) throw notFound(`there is no batch ${params.id}; see GET /v1/ingestion/batches`);
        return {
          items: batch.quarantine.slice(query.offset),
          total: batch.rowsRejected,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
  ];
}

function resultJson(r: IngestResult, file: string, quarantine: unknown[]) {
  return {
    ...ingestResultJson(r),
    file,
    quarantine: quarantine as z.input<typeof quarantinedSchema>[],
  };
}
