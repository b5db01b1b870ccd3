import { z } from 'zod';

/** The source system's own id of the record: re-sending it replaces the earlier version. */
export const recordId = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20), 'must not contain control characters')
  .describe("The source system's own record id; a later record with the same id replaces this one");

export const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
/** A department or outlet code of the source system, mapped to a department in the integration. */
export const code = z.string().min(1).max(64).describe('Source system code, mapped to a department by the integration');
export const money = z.number().finite().min(-1e12).max(1e12);
export const count = z.number().int().min(0).max(1e9);
export const hours = z.number().finite().min(0).max(1e6);

/** A record that removes an earlier record with the same id. */
export const deletionSchema = z
  .object({ id: recordId, deleted: z.literal(true) })
  .describe('Removes the record with this id sent earlier (other fields are ignored)');

/** What the CSV reader must convert from text for a format (everything else stays a string). */
export interface CsvTypes {
  numbers: readonly string[];
  booleans?: readonly string[];
}

/** The canonical JSON body of every source type: `{ "records": [ ... ] }`. */
export function batchSchema(record: z.ZodType, title: string): z.ZodType {
  return z
    .strictObject({ records: z.array(z.union([record, deletionSchema])).max(100_000) })
    .meta({ title, description: 'A batch of records; each either a full record or a deletion.' });
}
