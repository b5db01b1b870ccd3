import type { CanonicalBatch } from '../connectors/connector.js';
import { FORMATS } from './formats/index.js';
import type { IntegrationItem } from './model.js';
import { parseBatch, type RecordError } from './parse.js';

/** One step of reading a file: canonical records and the rows rejected on the way (the shape a streamed parse yields). */
export interface FileStep {
  batch: CanonicalBatch;
  errors: RecordError[];
  rowsRead: number;
}

export class UnreadableFile extends Error {
  override readonly name = 'UnreadableFile';
}

/** Records per step: one import each. */
const STEP_RECORDS = 1000;

const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'application/octet-stream', '']);

/**
 * Turns a received file into canonical batches for the integration's source type. A file without a
 * column mapping is read as our canonical CSV (the columns of the source type's canonical schema,
 * as a CSV webhook body), through the same parser the webhook's CSV bodies go through. Throws
 * UnreadableFile for a file that cannot be read at all (its rows' errors come back with the steps).
 */
export async function* readFileSteps(integration: IntegrationItem, file: { bytes: Buffer; contentType: string }): AsyncGenerator<FileStep> {
  const type = file.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!CSV_TYPES.has(type)) throw new UnreadableFile(`a ${type} file needs a column mapping on the integration; without one only canonical CSV (text/csv) is read`);
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
