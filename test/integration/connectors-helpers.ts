import { expect } from '@jest/globals';
import type { TestHost, TestResponse } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';

type Host = TestHost;

export interface ConnectorHotel {
  tenant: SeededTenant;
  owner: string;
  propertyId: string;
  /** The property's department ids by the codes a connector's mapping emits. */
  departments: { ROOMS: string; FB: string; SPA: string };
}

/**
 * A seeded tenant's first property (Europe/Vienna) with the departments a PMS connector posts to:
 * the seeded rooms and F&B departments and a spa (an other-operated department).
 */
export async function connectorHotel(host: Host): Promise<ConnectorHotel> {
  const tenant = await seedTenant(host);
  const owner = tenant.users.owner.token;
  const propertyId = tenant.propertyIds[0] as string;
  const [rooms, fb] = tenant.departmentIds[propertyId] as [string, string];
  const spa = await host.request('POST', `/api/v1/properties/${propertyId}/departments`, {
    token: owner,
    body: { code: 'SPA', name: 'Spa', usaliDepartment: 'other', driver: 'none', standardHoursPerUnit: null },
  });
  expect(spa.status).toBe(201);
  return { tenant, owner, propertyId, departments: { ROOMS: rooms, FB: fb, SPA: spa.json.id } };
}

/** The P&L lines of `from`..`to` (month granularity, no comparison) by key. */
export async function profitLossLines(host: Host, token: string, propertyId: string, from: string, to: string): Promise<Map<string, { actual: number | null }>> {
  const res = await host.request('GET', `/api/v1/reports/profit-loss?propertyId=${propertyId}&from=${from}&to=${to}&granularity=month&compare=`, { token });
  expect(res.status).toBe(200);
  return new Map(res.json.properties[0].periods[0].lines.map((l: { key: string; actual: number | null }) => [l.key, l]));
}

/** R&P by day for a labour connector: per `departmentId|date`, productive hours and labour cost (days with hours only). */
export async function labourByDepartmentDay(host: Host, token: string, propertyId: string, from: string, to: string): Promise<Map<string, { hours: number; cost: number }>> {
  const res = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${from}&to=${to}&granularity=day&compare=`, { token });
  expect(res.status).toBe(200);
  const out = new Map<string, { hours: number; cost: number }>();
  for (const period of res.json.properties[0].periods as Array<{ key: string; departments: Array<{ departmentId: string; actual: { productiveHours: number; labourCost?: number } }> }>)
    for (const d of period.departments) if (d.actual.productiveHours) out.set(`${d.departmentId}|${period.key}`, { hours: d.actual.productiveHours, cost: d.actual.labourCost ?? NaN });
  return out;
}

/** `code|date` keys rekeyed to `departmentId|date` through `departmentOf`. */
export function byDepartmentId<V>(m: Map<string, V>, departmentOf: (code: string) => string): Map<string, V> {
  return new Map(
    [...m].map(([k, v]) => {
      const [code, date] = k.split('|') as [string, string];
      return [`${departmentOf(code)}|${date}`, v];
    }),
  );
}

/** A department's R&P actuals of `from`..`to` as one month (revenue, covers, …). */
export async function departmentMonth(host: Host, token: string, propertyId: string, departmentId: string, month: { from: string; to: string }): Promise<{ revenue: number; covers: number }> {
  const rp = await host.request('GET', `/api/v1/reports/revenue-productivity?propertyId=${propertyId}&from=${month.from}&to=${month.to}&granularity=month&compare=`, { token });
  expect(rp.status).toBe(200);
  return rp.json.properties[0].periods[0].departments.find((d: { departmentId: string }) => d.departmentId === departmentId).actual;
}

/**
 * A vendor's signed push as the vendor delivers it: the signature with its first character changed
 * is refused (401); the signed delivery is accepted with imports, and `check` holds once they are
 * processed; the same delivery again maps to the same imports and adds none.
 */
export async function expectSignedPushImportsOnce(
  host: Host,
  o: { token: string; pushId: string; signature: string; send: (signature: string) => Promise<TestResponse>; check: () => Promise<void> },
): Promise<void> {
  expect((await o.send(o.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(401);
  const first = await o.send(o.signature);
  expect(first.status).toBe(202);
  expect(first.json.importIds.length).toBeGreaterThan(0);
  await host.app.broker?.idle();
  await o.check();

  const again = await o.send(o.signature);
  expect(again.status).toBe(202);
  expect(again.json.importIds).toEqual(first.json.importIds);
  await host.app.broker?.idle();
  const imports = await host.request('GET', `/api/v1/integrations/${o.pushId}/imports`, { token: o.token });
  expect(imports.status).toBe(200);
  expect(imports.json.items).toHaveLength(first.json.importIds.length);
  await o.check();
}
