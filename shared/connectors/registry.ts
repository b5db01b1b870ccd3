import { z } from 'zod';
import type { Connector } from './connector.js';
import { apaleo } from './vendors/apaleo/index.js';
import { deputy } from './vendors/deputy/index.js';
import { mews } from './vendors/mews/index.js';
import { opera } from './vendors/opera/index.js';
import { planday } from './vendors/planday/index.js';
import { sevenShifts } from './vendors/7shifts/index.js';
import { simphony } from './vendors/simphony/index.js';
import { square } from './vendors/square/index.js';
import { toast } from './vendors/toast/index.js';

/**
 * The connector catalogue. Adding a vendor is one folder under `vendors/<id>/` and one import plus
 * one line in this list; ids are unique (checked when the module loads).
 */
export const CONNECTORS: readonly Connector[] = [
  // One line per vendor connector, e.g. `mews,`
  mews,
  apaleo,
  opera,
  sevenShifts,
  square,
  toast,
  planday,
  deputy,
  simphony,
];

const byId = new Map<string, Connector>();
for (const c of CONNECTORS) {
  if (byId.has(c.manifest.id)) throw new Error(`two connectors share the id '${c.manifest.id}'`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.manifest.id)) throw new Error(`connector id '${c.manifest.id}' is not lower-case letters, digits and dashes`);
  if (c.manifest.auth === 'oauth-client-credentials' && !c.tokenRequest) throw new Error(`connector '${c.manifest.id}' uses OAuth client credentials but has no tokenRequest`);
  if (c.manifest.capabilities.push && !c.push) throw new Error(`connector '${c.manifest.id}' says it accepts pushes but has no push handler`);
  byId.set(c.manifest.id, c);
}

/**
 * Test seam: serves a connector a test defines (its fake vendor's shape) through connectorById until
 * the returned function removes it. Production code never calls it; the catalogue is CONNECTORS.
 */
export function registerTestConnector(connector: Connector): () => void {
  if (byId.has(connector.manifest.id)) throw new Error(`two connectors share the id '${connector.manifest.id}'`);
  byId.set(connector.manifest.id, connector);
  return () => {
    byId.delete(connector.manifest.id);
  };
}

/** The connector registered under `id`, undefined when there is none. */
export function connectorById(id: string): Connector | undefined {
  return byId.get(id);
}

/** A connector as the catalogue lists it: the manifest with its settings and credentials as JSON Schema. */
export interface CatalogueEntry {
  id: string;
  name: string;
  vendor: string;
  sourceTypes: string[];
  auth: Connector['manifest']['auth'];
  capabilities: Connector['manifest']['capabilities'];
  settings: Record<string, unknown>;
  credentials: Record<string, unknown>;
}

/** Keys of a JSON Schema that carry values rather than shape: a credentials schema must show none. */
const VALUE_KEYS = new Set(['default', 'examples', 'example', 'const']);

function withoutValues(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutValues);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => !VALUE_KEYS.has(k)).map(([k, v]) => [k, withoutValues(v)]));
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The catalogue `GET /api/v1/connectors` lists: what a tenant may create an integration with, and what each asks for. */
export function connectorCatalogue(): CatalogueEntry[] {
  return CONNECTORS.map(catalogueEntryOf);
}

/** One connector as the catalogue lists it. */
export function catalogueEntryOf({ manifest: m }: Connector): CatalogueEntry {
  return {
    id: m.id,
    name: m.name,
    vendor: m.vendor,
    sourceTypes: [...m.sourceTypes],
    auth: m.auth,
    capabilities: { ...m.capabilities },
    settings: jsonSchemaOf(m.settings),
    credentials: withoutValues(jsonSchemaOf(m.credentials)) as Record<string, unknown>,
  };
}
