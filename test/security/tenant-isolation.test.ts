import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { useTestHost } from '../support/host.js';
import { createSupportAgent, createUser, loginAs, seedTenant, SEED_PASSWORD, type SeededTenant } from '../support/identity.js';
import { createIntegration, send } from '../integration/integrations-helpers.js';
import { containers, type ContainerName } from '../../shared/platform/topology.js';
import type { HttpFunction } from '../../shared/http/route.js';

/**
 * The tenant-isolation proof over EVERY route of the catalog that names an object: tenant A's owner
 * (who holds every permission in A) aims each route at tenant B's objects. Each call must be
 * refused (404, or 403), must not echo B's data, and afterwards B's stored items must be exactly as
 * they were (same ETags) — nothing read out, nothing changed, whatever the route. A new route with a
 * path parameter that this table can't fill fails the test, so it can't ship unexamined.
 */

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let b: SeededTenant;
const bIds: Record<string, string> = {};

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
  const agentEmail = `agent-${randomUUID().slice(0, 8)}@platform.example`;
  await createSupportAgent(host, agentEmail);
  const role = await host.request('POST', '/api/v1/roles', { token: b.users.owner.token, body: { name: 'B controllers', permissions: ['reports.rp.read'] } });
  bIds.role = role.json.id;
  const group = await host.request('POST', '/api/v1/property-groups', { token: b.users.owner.token, body: { kind: 'brand', name: 'B brand', propertyIds: b.propertyIds } });
  bIds.group = group.json.id;
  const integration = await createIntegration(host, b.users.owner.token, { propertyId: b.propertyIds[0], sourceType: 'pos' });
  bIds.integration = integration.id;
  const delivery = await send(host, integration, { records: [] });
  bIds.import = delivery.json.importId;
  const fileIntegration = await createIntegration(host, b.users.owner.token, { kind: 'file', propertyId: b.propertyIds[0], sourceType: 'pos' });
  const file = await host.request('POST', `/api/v1/integrations/${fileIntegration.id}/files?filename=b.csv`, {
    token: b.users.owner.token,
    rawBody: 'id,businessDate,outlet,netRevenue,covers\r\nB1,2026-01-02,FB,10,1\r\n',
    headers: { 'content-type': 'text/csv' },
  });
  bIds.file = file.json.id;
  const grant = await host.request('POST', '/api/v1/support-grants', { token: b.users.owner.token, body: { agentEmail, permissions: ['users.read'], hours: 1 } });
  bIds.grant = grant.json.id;
  const subject = await createUser(host, b.slug, b.users.owner.token, { email: `subject-${randomUUID().slice(0, 6)}@b.example`, roles: [] });
  const job = await host.request('POST', `/api/v1/users/${subject.id}/redaction`, { token: b.users.owner.token, body: { reason: 'request', requestedBy: 'ticket-1' } });
  bIds.job = job.json.jobId;
  const sessions = await host.request('GET', '/api/v1/me/sessions', { token: b.users.endUser.token });
  bIds.session = sessions.json.items?.[0]?.id ?? sessions.json[0]?.id;
  const forecast = await createIntegration(host, b.users.owner.token, { propertyId: b.propertyIds[0], sourceType: 'rms' });
  await send(host, forecast, { records: [{ id: 'BF1', date: '2027-03-01', rooms: 50, adr: 120 }] });
  await host.app.broker?.idle();
  const scenario = await host.request('POST', '/api/v1/planning/scenarios', { token: b.users.owner.token, body: { propertyId: b.propertyIds[0], year: 2027, name: 'B what-if' } });
  bIds.scenario = scenario.json.id;
  const months = Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}`);
  const version = await host.request('POST', `/api/v1/planning/versions?propertyId=${b.propertyIds[0]}&year=2027&kind=budget`, {
    token: b.users.owner.token,
    rawBody: `Department,Department name,Line,${months.join(',')}\r\nFB,,revenue,100${','.repeat(11)}\r\n`,
    headers: { 'content-type': 'text/csv' },
  });
  bIds.version = version.json.id;
  // A month of B locked, and a correction into it held as a pending adjustment.
  const locked = await host.request('POST', `/api/v1/planning/periods/${b.propertyIds[0]}/2026-01/lock`, { token: b.users.owner.token });
  if (locked.status !== 200) throw new Error(`setup: lock ${locked.status} ${locked.text}`);
  await send(host, integration, { records: [{ id: 'B2', businessDate: '2026-01-03', outlet: 'FB', netRevenue: 20, covers: 2 }] });
  await host.app.broker?.idle();
  bIds.adjustment = (await host.request('GET', `/api/v1/planning/adjustments?propertyId=${b.propertyIds[0]}`, { token: b.users.owner.token })).json.items?.[0]?.id;
  // Consumption of B entered by hand (its manual-entry integration, entry record and import).
  const entered = await host.request('PUT', `/api/v1/sustainability/consumption/${b.propertyIds[0]}`, { token: b.users.owner.token, body: { readings: [{ date: '2025-12-04', resource: 'water', quantity: 9, unit: 'm3' }] } });
  if (entered.status !== 202) throw new Error(`setup: consumption entry ${entered.status} ${entered.text}`);
  await host.app.broker?.idle();
  // One of B's own emission factors (GoGreen).
  bIds.factor = (await host.request('POST', '/api/v1/sustainability/factors', { token: b.users.owner.token, body: { activity: 'laundry', region: 'DE', unit: 'kg', kgCo2ePerUnit: 0.4, year: 2025, source: 'B contractor' } })).json?.id;
  for (const [k, v] of Object.entries(bIds)) if (!v) throw new Error(`setup: no ${k} in tenant B`);
});

/** Tenant B's object for a route's path parameter, by the segment before it. */
function bParam(route: string, name: string): string | undefined {
  const before = route.split('/').findIndex((s) => s === `{${name}}`);
  const segment = route.split('/')[before - 1];
  switch (`${segment}:${name}`) {
    case 'properties:propertyId':
    case 'periods:propertyId':
    case 'labour-standards:propertyId':
    case 'consumption:propertyId':
    case 'targets:propertyId':
    case 'weather:propertyId':
    case 'alerts:propertyId':
      return b.propertyIds[0];
    case 'factors:id':
      return bIds.factor;
    case 'departments:departmentId':
      return b.departmentIds[b.propertyIds[0] as string]?.[0];
    case 'users:id':
      return b.users.admin.id;
    case 'roles:id':
      return bIds.role;
    case 'property-groups:groupId':
      return bIds.group;
    case 'integrations:id':
      return bIds.integration;
    case 'imports:importId':
      return bIds.import;
    case 'files:fileId':
      return bIds.file;
    case 'support-grants:id':
      return bIds.grant;
    case 'redaction-jobs:jobId':
      return bIds.job;
    case 'sessions:sid':
      return bIds.session;
    case '{propertyId}:period':
      return '2026-01';
    case 'adjustments:id':
      return bIds.adjustment;
    case 'scenarios:scenarioId':
      return bIds.scenario;
    case 'versions:id':
      return bIds.version;
    case 'templates:kind':
      return 'budget';
    default:
      return undefined;
  }
}

/** Valid bodies, so a refusal can only come from the object check, not from validation. */
const BODIES: Record<string, unknown> = {
  'PATCH v1/properties/{propertyId}': { name: 'Taken over' },
  'POST v1/properties/{propertyId}/departments': { code: 'ZZZ', name: 'Intruder', usaliDepartment: 'other_operated', driver: 'none', standardHoursPerUnit: 0 },
  'PATCH v1/properties/{propertyId}/departments/{departmentId}': { name: 'Taken over' },
  'PATCH v1/users/{id}': { jobTitle: 'Taken over' },
  'PUT v1/users/{id}/roles': { roles: [{ roleId: 'owner', scope: { all: true } }] },
  'PATCH v1/roles/{id}': { permissions: ['reports.rp.read', 'users.manage'] },
  'PATCH v1/property-groups/{groupId}': { name: 'Taken over' },
  'PUT v1/users/{id}/sso-link': { tid: randomUUID(), oid: randomUUID() },
  'PATCH v1/integrations/{id}': { name: 'Taken over' },
  'PUT v1/integrations/{id}/credentials': { credentials: { clientToken: 'taken-over', accessToken: 'taken-over' } },
  'POST v1/users/{id}/redaction': { reason: 'hostile', requestedBy: 'attacker' },
  'POST v1/integrations/{id}/backfill': { from: '2026-01-01', to: '2026-01-31' },
  'PATCH v1/integrations/{id}/run-settings': { expectedArrival: { localTime: '07:00' } },
  'PUT v1/integrations/{id}/file-mapping': { ready: 'opera-tsa03' },
  'PATCH v1/planning/scenarios/{scenarioId}': { name: 'Taken over', changes: [{ driver: 'occupancy', set: 1 }] },
  'PUT v1/planning/labour-standards/{propertyId}': { fixedHours: {} },
  'PUT v1/sustainability/consumption/{propertyId}': { readings: [{ date: '2025-12-04', resource: 'water', quantity: 1, unit: 'm3' }] },
  'POST v1/planning/versions/{id}/submit': { comment: 'taken over' },
  'POST v1/planning/versions/{id}/approve': { comment: 'taken over' },
  'POST v1/planning/versions/{id}/reject': { comment: 'taken over' },
  'POST v1/planning/versions/{id}/lock': { comment: 'taken over' },
  'PUT v1/sustainability/properties/{propertyId}': { areas: { totalM2: 100, roomsAndCorridorsM2: 50, meetingM2: 10 }, country: 'GB' },
  'PUT v1/sustainability/factors/{id}': { activity: 'laundry', region: 'DE', unit: 'kg', kgCo2ePerUnit: 9, year: 2025, source: 'taken over' },
  'PUT v1/sustainability/targets/{propertyId}': { targets: [{ resource: 'waterM3', reductionPct: 99, baselineYear: 2024, deadlineYear: 2026 }] },
  'PUT v1/sustainability/weather/{propertyId}': { days: [{ date: '2026-01-01', meanTempC: 40 }] },
};

/**
 * Routes whose object is not a tenant's (public assets, signature-authenticated webhooks, vendor
 * pushes authenticated by their connector: connectors-framework.test.ts shows a tenant token there is 401).
 */
const NOT_TENANT_OBJECTS = new Set(['GET v1/docs/assets/{file}', 'GET v1/integrations/schemas/{sourceType}', 'POST v1/integrations/{id}/webhook', 'POST v1/connectors/{connectorId}/push/{id}']);

async function snapshot(tenantId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of Object.keys(containers) as ContainerName[]) {
    const items = await host.app.store.collection(name, tenantId).all<{ id: string; _etag?: string }>('SELECT c.id, c._etag FROM c');
    for (const item of items) out.set(`${name}/${item.id}`, item._etag ?? '');
  }
  return out;
}

describe('tenant isolation across every route with an object in its path', () => {
  it("refuses tenant A's owner on each of tenant B's objects and leaves B untouched", async () => {
    const { httpFunctions } = await import('../../functions/catalog.js');
    const routes = httpFunctions.filter((f: HttpFunction) => f.route.includes('{') && !NOT_TENANT_OBJECTS.has(`${f.method} ${f.route}`));
    expect(routes.length).toBeGreaterThan(25);
    const before = await snapshot(b.tenantId);
    // Control: the snapshot really sees B's items (users, sessions, role, integration, import, grant, job).
    expect(before.size).toBeGreaterThan(15);
    const leaks = [b.users.admin.email, b.users.owner.email, b.users.endUser.email];
    const results: string[] = [];
    for (const fn of routes) {
      const key = `${fn.method} ${fn.route}`;
      let path = fn.route;
      for (const m of fn.route.matchAll(/\{(\w+)\}/g)) {
        const value = bParam(fn.route, m[1] as string);
        if (!value) throw new Error(`no tenant-B object for {${m[1]}} in ${key}: extend bParam()`);
        path = path.replace(m[0], value);
      }
      // Routes whose object is named in the query as well (the property of a planning template).
      if (key === 'GET v1/planning/templates/{kind}') path += `?propertyId=${b.propertyIds[0]}&year=2027`;
      if (key === 'GET v1/sustainability/alerts/{propertyId}') path += '?date=2026-01-01';
      const needsBody = fn.spec.body !== undefined;
      if (needsBody && !(key in BODIES)) throw new Error(`no valid body for ${key}: extend BODIES`);
      const res = await host.request(fn.method, `/api/${path}`, { token: a.users.owner.token, ...(needsBody ? { body: BODIES[key] } : {}) });
      results.push(`${key} -> ${res.status}`);
      expect([key, [403, 404].includes(res.status)]).toEqual([key, true]);
      for (const leak of leaks) expect([key, res.text.includes(leak)]).toEqual([key, false]);
    }
    await host.app.broker?.idle();
    const after = await snapshot(b.tenantId);
    expect([...after.entries()].sort()).toEqual([...before.entries()].sort());
    expect(results.length).toBe(routes.length);
  });

  it("refuses B's property (and property group) in report and digest queries", async () => {
    const q = `propertyId=${b.propertyIds[0]}&from=2026-01-01&to=2026-01-31`;
    for (const path of [`/api/v1/reports/revenue-productivity?${q}&granularity=day`, `/api/v1/reports/profit-loss?${q}&granularity=month`, `/api/v1/reports/daily-digest?propertyId=${b.propertyIds[0]}&date=2026-01-01`, `/api/v1/reports/revenue-productivity/portfolio?groupId=${bIds.group}&from=2026-01-01&to=2026-01-31`, `/api/v1/reports/profit-loss/portfolio?groupId=${bIds.group}&from=2026-01-01&to=2026-01-31`, `/api/v1/planning/labour-forecast?propertyId=${b.propertyIds[0]}`, `/api/v1/planning/scenarios?propertyId=${b.propertyIds[0]}&year=2027`, `/api/v1/planning/scenarios/compare?ids=${bIds.scenario}`, `/api/v1/planning/versions?propertyId=${b.propertyIds[0]}`, `/api/v1/planning/versions/compare?a=${bIds.version}&b=${bIds.version}`, `/api/v1/planning/templates/budget?propertyId=${b.propertyIds[0]}&year=2027&format=csv`, `/api/v1/planning/templates/consumption?propertyId=${b.propertyIds[0]}&year=2027&format=csv`, `/api/v1/planning/periods?propertyId=${b.propertyIds[0]}`, `/api/v1/planning/adjustments?propertyId=${b.propertyIds[0]}`, `/api/v1/sustainability/consumption?propertyId=${b.propertyIds[0]}&from=2025-12-01&to=2025-12-31`, `/api/v1/sustainability/consumption?propertyId=${b.propertyIds[0]}&from=2025-12&to=2025-12&granularity=month`, `/api/v1/reports/sustainability?${q}`, `/api/v1/reports/sustainability?groupId=${bIds.group}&from=2026-01-01&to=2026-01-31`, `/api/v1/reports/sustainability/statement?propertyId=${b.propertyIds[0]}&year=2026`]) {
      const res = await host.request('GET', path, { token: a.users.owner.token });
      expect([path, res.status]).toEqual([path, 404]);
    }
    // A planning upload names its property in the query: into B's property it is a 404, and nothing is recorded.
    const upload = await host.request('POST', `/api/v1/planning/versions?propertyId=${b.propertyIds[0]}&year=2027&kind=budget`, { token: a.users.owner.token, rawBody: 'x', headers: { 'content-type': 'text/csv' } });
    expect(upload.status).toBe(404);
    expect(await host.app.store.collection('planning', a.tenantId).all("SELECT c.id FROM c WHERE c.type = 'planVersion'")).toEqual([]);
    // Lists without a property answer the caller's own tenant only: B's lock and adjustment are not in them.
    for (const path of ['/api/v1/planning/periods', '/api/v1/planning/adjustments']) {
      const res = await host.request('GET', path, { token: a.users.owner.token });
      expect([path, res.status, res.json.items]).toEqual([path, 200, []]);
    }
  });

  it('takes the tenant from the token, never from the request', async () => {
    // A body or query naming tenant B is refused as an unknown field, not obeyed.
    const body = await host.request('POST', '/api/v1/roles', { token: a.users.owner.token, body: { name: 'x', permissions: [], tenantId: b.tenantId } });
    expect(body.status).toBe(400);
    const list = await host.request('GET', `/api/v1/users?tenantId=${b.tenantId}`, { token: a.users.owner.token });
    expect(list.status).toBe(400);
    const own = await host.request('GET', '/api/v1/users', { token: a.users.owner.token });
    expect(own.status).toBe(200);
    expect(own.text).not.toContain(b.users.admin.email);
    expect(await loginAs(host, a.slug, a.users.admin.email, SEED_PASSWORD)).toEqual(expect.any(String));
  });
});
