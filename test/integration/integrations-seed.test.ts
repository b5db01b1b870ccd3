import { describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant } from '../support/identity.js';
import { SOURCE_TYPES } from '../../shared/integrations/formats/index.js';

const host = useTestHost({ DEMO_PASSWORD: 'Demo-Passw0rd!x9' });

describe('demo data', () => {
  it('sends a slice of the demo year through the signed webhook endpoint and every import is accepted', async () => {
    await host.app.identity.seedDemo();
    const { seedDemoInProcess } = await import('../../host/demo-seed-local.js');
    const summary = await seedDemoInProcess(host.app, host.url, { today: '2026-03-10', historyDays: 6, aheadDays: 10 });
    expect(summary).toBeDefined();
    expect(summary?.records).toBeGreaterThan(200);
    expect(summary?.imports).toEqual({ accepted: summary?.batches });
    const tenantId = (await host.app.identity.tenants.tenantIdForSlug('demo-hotels')) as string;
    const aggregates = await host.app.store
      .collection('aggregates', tenantId)
      .all<{ scenario: string; level: string }>("SELECT c.scenario, c.level FROM c WHERE c.type = 'dailyAggregate'");
    for (const scenario of ['actual', 'budget', 'forecast', 'onTheBooks']) expect(aggregates.some((a) => a.scenario === scenario)).toBe(true);
    // Seeding again on the same day re-sends the same webhook-ids: the same imports, nothing new.
    const before = (await host.app.store.collection('imports', tenantId).all("SELECT c.id FROM c WHERE c.type = 'import'")).length;
    await seedDemoInProcess(host.app, host.url, { today: '2026-03-10', historyDays: 6, aheadDays: 10 });
    expect((await host.app.store.collection('imports', tenantId).all("SELECT c.id FROM c WHERE c.type = 'import'")).length).toBe(before);
  });

  it('seeds through the public API with an admin token (what npm run seed does)', async () => {
    const tenant = await seedTenant(host);
    const { apiDirectory, apiOutcome, seedDemoData } = await import('../../shared/integrations/demo-seed.js');
    const summary = await seedDemoData({
      baseUrl: host.url,
      directory: apiDirectory(host.url, tenant.users.admin.token),
      outcome: apiOutcome(host.url, tenant.users.admin.token),
      today: '2026-03-10',
      historyDays: 2,
      aheadDays: 3,
    });
    expect(summary.imports).toEqual({ accepted: summary.batches });
    const list = await host.request('GET', '/api/v1/integrations', { token: tenant.users.admin.token });
    // One integration per source type and property.
    expect(list.json.items).toHaveLength(SOURCE_TYPES.length * tenant.propertyIds.length);
    // A second run rotates the secrets of the integrations it created instead of making new ones.
    await seedDemoData({ baseUrl: host.url, directory: apiDirectory(host.url, tenant.users.admin.token), outcome: apiOutcome(host.url, tenant.users.admin.token), today: '2026-03-10', historyDays: 2, aheadDays: 3 });
    expect((await host.request('GET', '/api/v1/integrations', { token: tenant.users.admin.token })).json.items).toHaveLength(SOURCE_TYPES.length * tenant.propertyIds.length);
  });
});
