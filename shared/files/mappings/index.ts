import { fileMappingSchema, type FileMapping } from '../mapping.js';
import type { ReadyMapping } from './ready.js';
import { operaTsa03 } from './opera-tsa03.js';
import { operaTsa04 } from './opera-tsa04.js';
import { operaGdpduRevenue } from './opera-gdpdu-revenue.js';
import { protelHstat } from './protel-hstat.js';
import { protelRevenueXml } from './protel-revenue-xml.js';

/** The ready-made mappings: one file and one line each; the name is what the API takes. */
const REGISTRY = {
  'opera-tsa03': operaTsa03,
  'opera-tsa04': operaTsa04,
  'opera-gdpdu-revenue': operaGdpduRevenue,
  'protel-hstat': protelHstat,
  'protel-revenue-xml': protelRevenueXml,
} satisfies Record<string, ReadyMapping>;

export type ReadyMappingName = keyof typeof REGISTRY;
export const READY_MAPPING_NAMES = Object.keys(REGISTRY) as [ReadyMappingName, ...ReadyMappingName[]];

/** Each ready-made mapping, validated by the same schema as a hand-written one when the module loads. */
export const READY_MAPPINGS: Readonly<Record<ReadyMappingName, ReadyMapping & { parsed: FileMapping }>> = Object.fromEntries(
  Object.entries(REGISTRY).map(([name, ready]) => {
    const parsed = fileMappingSchema.safeParse(ready.mapping);
    if (!parsed.success) throw new Error(`ready-made file mapping ${name} is invalid: ${parsed.error.message}`);
    return [name, { ...ready, parsed: parsed.data }];
  }),
) as Record<ReadyMappingName, ReadyMapping & { parsed: FileMapping }>;
