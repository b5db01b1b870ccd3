import { z } from 'zod';
import { batchSchema } from './common.js';
import type { SourceFormat } from './format.js';
import { ams } from './ams/index.js';
import { pms } from './pms/index.js';
import { pos } from './pos/index.js';
import { frs, trs } from './reservations/index.js';
import { rms } from './rms/index.js';
import { schedules } from './schedules/index.js';
import { snc } from './snc/index.js';
import { tms } from './tms/index.js';
import { utility } from './utility/index.js';

export * from './common.js';
export type { FactShape, MappingContext, SourceFormat } from './format.js';

/**
 * The registry of source formats: one line per format, in the order the API lists source types.
 *
 * Adding a format (and next, a vendor connector) is one new folder plus one line here: the folder
 * `formats/<type>/` holds the record's zod schema, its CSV column types and its mapping from
 * records to facts, exported as one `SourceFormat`; the source type, its enum in the API, its
 * JSON Schema and the import pipeline follow from this line.
 */
const REGISTRY = {
  pos,
  frs,
  trs,
  tms,
  schedules,
  pms,
  rms,
  snc,
  ams,
  utility,
};

export type SourceType = keyof typeof REGISTRY;

/**
 * Every format, typed by its record's common ground. The pipeline never hands a format a record
 * its own schema did not produce (`parseBatch` then `normalise` with the same format).
 */
export const FORMATS: { readonly [K in SourceType]: SourceFormat<{ id: string }, K> } = REGISTRY;

export const SOURCE_TYPES = Object.values(REGISTRY).map((f) => f.type);

export const sourceTypeSchema = z.enum(SOURCE_TYPES);

/** The JSON Schema (draft 2020-12) of a source type's canonical JSON body, generated from the zod schema. */
export function jsonSchemaOf(type: SourceType): object {
  const f = FORMATS[type];
  const schema = z.toJSONSchema(batchSchema(f.record, f.title), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $id: `https://docs.pmi.example/schemas/integrations/${type}.json`, ...schema, description: f.description };
}
