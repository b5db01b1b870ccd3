import { fileMappingSchema, type FileMapping, type FileMappingInput } from '../../../shared/files/mapping.js';
import { parseFile, type FileRowError } from '../../../shared/files/parse-file.js';
import type { FileInput } from '../../../shared/files/readers/source.js';

export function mappingOf(input: FileMappingInput): FileMapping {
  return fileMappingSchema.parse(input);
}

/** Every record and error of a parse, and how many batches it took. */
export async function parseAll(input: FileInput, contentType: string | undefined, mapping: FileMapping, batchSize?: number) {
  const records: Array<Record<string, unknown>> = [];
  const errors: FileRowError[] = [];
  let batches = 0;
  let rowsRead = 0;
  for await (const step of parseFile(input, contentType, mapping, batchSize ? { batchSize } : {})) {
    batches++;
    rowsRead += step.rowsRead;
    records.push(...step.batch.records);
    errors.push(...step.errors);
  }
  return { records, errors, batches, rowsRead };
}

/** The bytes in chunks of `size`: characters and tags split across chunks, as a network stream splits them. */
export async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
