import { z } from 'zod';
import { batchSchema, SOURCE_TYPES, type SourceFormat, type SourceType } from './common.js';
import { pos } from './pos.js';
import { frs, trs } from './reservations.js';
import { tms } from './tms.js';
import { pms } from './pms.js';
import { rms } from './rms.js';
import { snc } from './snc.js';
import { ams } from './ams.js';

export * from './common.js';
export type { PosRecord } from './pos.js';
export type { ReservationRecord } from './reservations.js';
export type { TmsRecord } from './tms.js';
export type { PmsRecord } from './pms.js';
export type { RmsRecord } from './rms.js';
export type { SncRecord } from './snc.js';
export type { AmsRecord } from './ams.js';

/** The canonical format of each source type. */
export const FORMATS: { [K in SourceType]: SourceFormat<{ id: string }> } = {
  pos: pos as SourceFormat<{ id: string }>,
  frs: frs as SourceFormat<{ id: string }>,
  trs: trs as SourceFormat<{ id: string }>,
  tms: tms as SourceFormat<{ id: string }>,
  pms: pms as SourceFormat<{ id: string }>,
  rms: rms as SourceFormat<{ id: string }>,
  snc: snc as SourceFormat<{ id: string }>,
  ams: ams as SourceFormat<{ id: string }>,
};

/** The JSON Schema (draft 2020-12) of a source type's canonical JSON body, generated from the zod schema. */
export function jsonSchemaOf(type: SourceType): object {
  const f = FORMATS[type];
  const schema = z.toJSONSchema(batchSchema(f.record, f.title), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { $id: `https://docs.pmi.example/schemas/integrations/${type}.json`, ...schema, description: f.description };
}

export const ALL_SOURCE_TYPES = SOURCE_TYPES;
