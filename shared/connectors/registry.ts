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
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.manifest.id)) throw new Error(`connector id '${c.manifest.id}' is not lower-case letters, digits and dashes`);
  if (c.manifest.auth === 'oauth-client-credentials' && !c.tokenRequest) throw new Error(`connector '${c.manifest.id}' uses OAuth client credentials but has no tokenRequest`);
  if (c.manifest.capabilities.push && !c.push) throw new Error(`connector '${c.manifest.id}' says it accepts pushes but has no push handler`);
  byId.set(c.manifest.id, c);
}

/** The connector registered under `id`, undefined when there is none. */
export function connectorById(id: string): Connector | undefined {
  return byId.get(id);
}
