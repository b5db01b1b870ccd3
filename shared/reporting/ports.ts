import type { App } from '../app.js';
import type { Principal } from '../access/principal.js';
import { dayKey } from '../integrations/facts.js';
import type { DailyClosePorts } from './index.js';

/**
 * A principal for the daily close reading integration status on the platform's behalf: it holds
 * imports.read over one tenant's properties and nothing else, and never leaves the process.
 */
function closeReader(tenantId: string): Principal {
  return {
    kind: 'platform-operator',
    tenantId,
    userId: 'system:daily-close',
    sessionId: 'system',
    amr: [],
    authTime: 0,
    grants: new Map([['imports.read', { all: true }]]),
  };
}

/** What the daily close uses from the integrations service: its aggregate recompute and its lateness status. */
export function dailyClosePorts(app: App, now: Date): DailyClosePorts {
  return {
    // No fact ids to add or remove: the day is recomputed from the facts it already lists.
    recompute: (tenantId, propertyId, dates) =>
      app.integrations.processor.facts.recompute(tenantId, new Map(dates.map((date) => [dayKey(propertyId, date), { add: new Set<string>(), remove: new Set<string>() }]))),
    lateSources: async (tenantId, propertyId) => {
      const status = await app.integrations.status(closeReader(tenantId), now);
      return status.filter((s) => s.propertyId === propertyId && s.late).map((s) => s.sourceType);
    },
  };
}
