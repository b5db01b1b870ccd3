import type { Platform } from '../platform/platform.js';
import type { CanonicalBatch } from '../connectors/connector.js';
import { fileMappingOf, FileFormatError, parseFile } from '../files/index.js';
import { FORMATS } from './formats/index.js';
import type { IntegrationItem } from './model.js';
import { parseBatch, type RecordError } from './parse.js';

/** One step of reading a file: canonical records and the rows rejected on the way. */
export interface FileStep {
  batch: CanonicalBatch;
  errors: RecordError[];
  rowsRead: number;
}

export class UnreadableFile extends Error {
  override readonly name = 'UnreadableFile';
}

/** Records per step: one import each, and what is held in memory at once. */
const STEP_RECORDS = 1000;

const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'application/octet-stream', '']);

/**
 * Turns a received file into canonical batches for the integration's source type. With a saved
 * column mapping (shared/files) the file is streamed through it, CSV, XLSX or XML alike. Without
 * one, only our canonical CSV is read (the source type's canonical columns, as a CSV webhook body,
 * through the same parser). Throws UnreadableFile for a file that cannot be read at all; row errors
 * come with the steps.
 */
export async function* readFileSteps(platform: Pick<Platform, 'store'>, integration: IntegrationItem, file: { bytes: Buffer; contentType: string }): AsyncGenerator<FileStep> {
  const saved = await fileMappingOf(platform, integration);
  if (saved) {
    try {
      for await (const step of parseFile(file.bytes, file.contentType, saved.mapping, { batchSize: STEP_RECORDS })) {
        yield {
          batch: step.batch,
          errors: step.errors.map((e) => ({ row: e.row, field: e.field ?? e.column ?? 'row', message: e.column && e.field ? `${e.column}: ${e.message}` : e.message })),
          rowsRead: step.rowsRead,
        };
      }
    } catch (err) {
      if (err instanceof FileFormatError) throw new UnreadableFile(err.message);
      throw err;
    }
    return;
  }
  const type = file.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!CSV_TYPES.has(type)) throw new UnreadableFile(`a ${type} file needs a column mapping on the integration (PUT /api/v1/integrations/{id}/file-mapping); without one only canonical CSV (text/csv) is read`);
  const parsed = parseBatch(FORMATS[integration.sourceType], 'csv', file.bytes);
  if (parsed.fatal) throw new UnreadableFile(parsed.fatal.message);
  const records = parsed.records.map((r) => (r.deleted ? { id: r.id, deleted: true } : (r.record as Record<string, unknown>)));
  for (let i = 0; i === 0 || i < records.length; i += STEP_RECORDS) {
    yield {
      batch: { sourceType: integration.sourceType, records: records.slice(i, i + STEP_RECORDS) },
      errors: i === 0 ? parsed.errors : [],
      rowsRead: i === 0 ? parsed.total : 0,
    };
  }
}
