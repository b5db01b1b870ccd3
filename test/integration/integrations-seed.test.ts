import { describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { loginAs, seedTenant } from '../support/identity.js';
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
    // GoGreen readings and published shifts arrive like the rest: the demo tenant shows them, not late feeds.
    const token = await loginAs(host, 'demo-hotels', 'owner@demo-hotels.example', 'Demo-Passw0rd!x9');
    const propertyId = (await host.request('GET', '/api/v1/properties', { token })).json.items[0].id as string;
    const consumption = await host.request('GET', `/api/v1/sustainability/consumption?propertyId=${propertyId}&from=2026-03-04&to=2026-03-09`, { token });
    expect(consumption.status).toBe(200);
    expect(consumption.json.items.map((d: { date: string }) => d.date)).toEqual(['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09']);
    for (const day of consumption.json.items) {
      expect(day.consumption.electricity.gridKwh).toBeGreaterThan(0);
      expect(day.consumption.naturalGas.kwh).toBeGreaterThan(0);
      expect(day.consumption.water.mainsM3).toBeGreaterThan(0);
    }
    const labour = await host.request('GET', `/api/v1/planning/labour-forecast?propertyId=${propertyId}&from=2026-03-10&weeks=2`, { token });
    expect(labour.status).toBe(200);
    const scheduled = labour.json.days.filter((d: { date: string }) => d.date < '2026-03-20').map((d: { scheduledHours: number | null }) => d.scheduledHours);
    expect(scheduled).toHaveLength(10);
    for (const hours of scheduled) expect(hours).toBeGreaterThan(0);
    const integrations = (await host.request('GET', '/api/v1/integrations', { token })).json.items as Array<{ sourceType: string }>;
    expect(integrations.filter((i) => i.sourceType === 'utility' || i.sourceType === 'schedules').length).toBeGreaterThanOrEqual(4);
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
