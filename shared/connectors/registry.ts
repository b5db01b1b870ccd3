import type { Connector } from './connector.js';

/**
 * The connector catalogue. Adding a vendor is one folder under `vendors/<id>/` and one import plus
 * one line in this list; ids are unique (checked when the module loads).
 */
export const CONNECTORS: readonly Connector[] = [
  // One line per vendor connector, e.g. `mews,`
];

const byId = new Map<string, Connector>();
for (const c of CONNECTORS) {
  if (byId.has(c.manifest.id)) throw new Error(`two connectors share the id '${c.manifest.id}'`);
  byId.set(c.manifest.id, c);
}

/** The connector registered under `id`, undefined when there is none. */
export function connectorById(id: string): Connector | undefined {
  return byId.get(id);
}
