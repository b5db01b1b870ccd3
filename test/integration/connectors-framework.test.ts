import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { useTestHost, type TestResponse } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, itemsOf, send } from './integrations-helpers.js';
import { openConnectorIntegration } from '../../shared/connectors/integration-context.js';
import type { ChainEntry } from '../../shared/audit/chain.js';
import type { IntegrationItem } from '../../shared/integrations/model.js';
import type { Connector } from '../../shared/connectors/connector.js';
import { registerTestConnector } from '../../shared/connectors/registry.js';
import { VendorError } from '../../shared/connectors/http/vendor-error.js';

/**
 * The connector framework through HTTP: the catalogue, creating pull and vendor-push integrations
 * with a registered connector (Mews), credentials that are sealed and never echoed, their rotation,
 * the vendor push endpoint's authentication, and canonical batches handed to the import pipeline.
 */
const host = useTestHost();
let a: SeededTenant;
let b: SeededTenant;

const CLIENT_TOKEN = `CT-${randomUUID()}`;
const ACCESS_TOKEN = `AT-${randomUUID()}`;
const WEBHOOK_TOKEN = `WH-${randomUUID()}`;
const ENTERPRISE = randomUUID();
const settings = { enterpriseId: ENTERPRISE, serviceId: randomUUID() };
const credentials = { clientToken: CLIENT_TOKEN, accessToken: ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN };
const secrets = [CLIENT_TOKEN, ACCESS_TOKEN, WEBHOOK_TOKEN];

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
});

function expectNoSecret(res: TestResponse, values: string[] = secrets) {
  for (const s of values) expect(res.text).not.toContain(s);
}

async function createMews(t: SeededTenant, kind: 'pull' | 'vendor-push', extra: Record<string, unknown> = {}) {
  const res = await host.request('POST', '/api/v1/integrations', { token: t.users.admin.token, body: { kind, connector: 'mews', propertyId: t.propertyIds[0], name: `Mews ${kind}`, settings, credentials, ...extra } });
  expectNoSecret(res);
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  return res;
}

async function auditOf(tenantId: string, action: string): Promise<ChainEntry[]> {
  await host.app.broker!.idle();
  return host.app.store.collection<ChainEntry>('audit', tenantId).all<ChainEntry>("SELECT * FROM c WHERE c.type = 'auditEntry' AND c.action = @a", { a: action });
}

describe('GET /api/v1/connectors', () => {
  it('lists each connector with its manifest, settings and credentials as JSON Schema, and no value in the credentials schema', async () => {
    const res = await host.request('GET', '/api/v1/connectors', { token: a.users.admin.token });
    expect(res.status).toBe(200);
    const mews = res.json.items.find((c: { id: string }) => c.id === 'mews');
    expect(mews).toMatchObject({ id: 'mews', auth: 'mews-tokens', capabilities: { pull: true, push: true } });
    expect(mews.sourceTypes).toEqual(expect.arrayContaining(['pms']));
    expect(mews.settings.properties.enterpriseId).toMatchObject({ type: 'string' });
    expect(mews.settings.required).toEqual(expect.arrayContaining(['enterpriseId']));
    expect(Object.keys(mews.credentials.properties).sort()).toEqual(['accessToken', 'clientToken', 'webhookToken']);
    expect(mews.credentials.properties.clientToken.type).toBe('string');
    expect(JSON.stringify(res.json.items.map((c: { credentials: unknown }) => c.credentials))).not.toMatch(/"(default|examples|const)"/);
    expect((await host.request('GET', '/api/v1/connectors')).status).toBe(401);
  });
});

describe('connector integrations', () => {
  it('creates a pull integration: the connector says the source types, credentials are sealed, named by field and never echoed', async () => {
    const created = await createMews(a, 'pull');
    expect(created.json).toMatchObject({ kind: 'pull', connector: 'mews', format: 'json', settings: { enterpriseId: ENTERPRISE }, secrets: [] });
    expect(created.json.secret).toBeUndefined();
    expect(created.json.webhookPath).toBeUndefined();
    expect(created.json.sourceTypes).toEqual(expect.arrayContaining(['pms']));
    expect(created.json.credentials.fields).toEqual(['accessToken', 'clientToken', 'webhookToken']);
    // Defaults of the connector's settings are applied and stored.
    expect(created.json.settings.baseUrl).toEqual(expect.any(String));
    const id = created.json.id as string;
    expectNoSecret(await host.request('GET', `/api/v1/integrations/${id}`, { token: a.users.admin.token }));
    expectNoSecret(await host.request('GET', '/api/v1/integrations', { token: a.users.admin.token }));
    const stored = JSON.stringify(await itemsOf(host, 'imports', a.tenantId));
    for (const s of secrets) expect(stored).not.toContain(s);
    const [event] = (await auditOf(a.tenantId, 'integration.created')).filter((e) => e.targetId === id);
    expect(event?.payload.details).toMatchObject({ kind: 'pull', connector: 'mews', credentialFields: 'accessToken,clientToken,webhookToken' });
    expect(JSON.stringify(event)).not.toContain(CLIENT_TOKEN);
    // What a run gets: the credentials unsealed, the settings parsed.
    const opened = await openConnectorIntegration(host.app, a.tenantId, id);
    expect(opened.connector.manifest.id).toBe('mews');
    expect(opened.credentials).toEqual(credentials);
    expect(opened.settings).toMatchObject(settings);
    // Another tenant cannot open it.
    await expect(openConnectorIntegration(host.app, b.tenantId, id)).rejects.toMatchObject({ status: 404 });
  });

  it('validates the kind, connector, settings and credentials, naming the field', async () => {
    const token = a.users.admin.token;
    const base = { propertyId: a.propertyIds[0], name: 'x' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'pull', connector: 'no-such-vendor', settings, credentials }, 'body.connector'],
      [{ kind: 'pull', settings, credentials }, 'body.connector'],
      [{ kind: 'pull', connector: 'mews', settings: { serviceId: settings.serviceId }, credentials }, 'body.settings.enterpriseId'],
      [{ kind: 'pull', connector: 'mews', settings, credentials: { clientToken: CLIENT_TOKEN } }, 'body.credentials.accessToken'],
      [{ kind: 'pull', connector: 'mews', settings, credentials: { ...credentials, password: 'x' } }, 'body.credentials'],
      [{ kind: 'pull', connector: 'mews', settings, credentials, format: 'csv' }, 'body.format'],
      [{ kind: 'pull', connector: 'mews', settings, credentials, sourceType: 'tms' }, 'body.sourceType'],
      [{ sourceType: 'pos', connector: 'mews' }, 'body.connector'],
      [{ kind: 'webhook' }, 'body.sourceType'],
      [{ kind: 'carrier-pigeon', sourceType: 'pos' }, 'body.kind'],
    ];
    for (const [body, field] of cases) {
      const res = await host.request('POST', '/api/v1/integrations', { token, body: { ...base, ...body } });
      expect([JSON.stringify(body), res.status, res.headers.get('content-type')]).toEqual([JSON.stringify(body), 400, expect.stringContaining('application/problem+json')]);
      expect([JSON.stringify(body), res.json.errors.map((e: { field: string }) => e.field)]).toEqual([JSON.stringify(body), expect.arrayContaining([expect.stringMatching(new RegExp(`^${field.replace(/\./g, '\\.')}`))])]);
      expectNoSecret(res);
    }
    // Settings are changed whole through PATCH, validated the same way.
    const created = await createMews(a, 'pull');
    const etag = created.headers.get('etag') as string;
    const bad = await host.request('PATCH', `/api/v1/integrations/${created.json.id}`, { token, body: { settings: { enterpriseId: 'not-a-uuid', serviceId: settings.serviceId } }, headers: { 'if-match': etag } });
    expect([bad.status, bad.json.errors?.[0]?.field]).toEqual([400, 'body.settings.enterpriseId']);
    const other = randomUUID();
    const ok = await host.request('PATCH', `/api/v1/integrations/${created.json.id}`, { token, body: { settings: { enterpriseId: other, serviceId: settings.serviceId } }, headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.json.settings.enterpriseId).toBe(other);
    const csv = await host.request('PATCH', `/api/v1/integrations/${created.json.id}`, { token, body: { format: 'csv' }, headers: { 'if-match': ok.headers.get('etag') as string } });
    expect([csv.status, csv.json.errors?.[0]?.field]).toEqual([400, 'body.format']);
    const webhook = await createIntegration(host, token, { propertyId: a.propertyIds[0], sourceType: 'pos' });
    const read = await host.request('GET', `/api/v1/integrations/${webhook.id}`, { token });
    const patched = await host.request('PATCH', `/api/v1/integrations/${webhook.id}`, { token, body: { settings: {} }, headers: { 'if-match': read.headers.get('etag') as string } });
    expect([patched.status, patched.json.errors?.[0]?.field]).toEqual([400, 'body.settings']);
  });

  it('rotates credentials with If-Match, audited without a value; webhooks keep their secret rotation', async () => {
    const token = a.users.admin.token;
    const created = await createMews(a, 'pull');
    const id = created.json.id as string;
    const before = created.json.credentials.rotatedAt as string;
    const next = { clientToken: `CT-${randomUUID()}`, accessToken: `AT-${randomUUID()}` };
    const invalid = await host.request('PUT', `/api/v1/integrations/${id}/credentials`, { token, body: { credentials: { clientToken: '' } }, headers: { 'if-match': created.headers.get('etag') as string } });
    expect(invalid.status).toBe(400);
    expect(invalid.json.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.credentials.clientToken', 'body.credentials.accessToken']));
    const rotated = await host.request('PUT', `/api/v1/integrations/${id}/credentials`, { token, body: { credentials: next }, headers: { 'if-match': created.headers.get('etag') as string, 'x-correlation-id': `rot-${id}` } });
    expect(rotated.status).toBe(200);
    expectNoSecret(rotated, [...secrets, next.clientToken, next.accessToken]);
    expect(rotated.json.credentials.fields).toEqual(['accessToken', 'clientToken']);
    expect(rotated.json.credentials.rotatedAt >= before).toBe(true);
    const stale = await host.request('PUT', `/api/v1/integrations/${id}/credentials`, { token, body: { credentials: next }, headers: { 'if-match': created.headers.get('etag') as string } });
    expect(stale.status).toBe(412);
    expect((await openConnectorIntegration(host.app, a.tenantId, id)).credentials).toEqual(next);
    const events = (await auditOf(a.tenantId, 'integration.credentials_rotated')).filter((e) => e.targetId === id);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.details).toMatchObject({ connector: 'mews', fields: 'accessToken,clientToken' });
    const text = JSON.stringify(events[0]);
    for (const s of [...secrets, next.clientToken, next.accessToken]) expect(text).not.toContain(s);
    // Another tenant: 404; a user without integrations.manage: 403.
    expect((await host.request('PUT', `/api/v1/integrations/${id}/credentials`, { token: b.users.admin.token, body: { credentials: next } })).status).toBe(404);
    expect((await host.request('PUT', `/api/v1/integrations/${id}/credentials`, { token: a.users.endUser.token, body: { credentials: next } })).status).toBe(403);
    // Kinds keep to their own secrets.
    expect((await host.request('POST', `/api/v1/integrations/${id}/rotate-secret`, { token })).status).toBe(409);
    const webhook = await createIntegration(host, token, { propertyId: a.propertyIds[0], sourceType: 'pos' });
    expect((await host.request('PUT', `/api/v1/integrations/${webhook.id}/credentials`, { token, body: { credentials: next } })).status).toBe(409);
  });
});

describe('POST /api/v1/connectors/{connectorId}/push/{id}', () => {
  let pushId: string;
  let pullId: string;
  const message = (enterpriseId: string) => ({ EnterpriseId: enterpriseId, IntegrationId: randomUUID(), Events: [{ Discriminator: 'ServiceOrderUpdated', Value: { Id: randomUUID() } }] });
  const push = (connector: string, id: string, query: string, body: unknown = message(randomUUID()), token?: string) =>
    host.request('POST', `/api/v1/connectors/${connector}/push/${id}${query}`, { rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' }, ...(token ? { token } : {}) });

  beforeAll(async () => {
    pushId = (await createMews(a, 'vendor-push')).json.id;
    pullId = (await createMews(a, 'pull')).json.id;
  });

  it('shows where the vendor pushes', async () => {
    const read = await host.request('GET', `/api/v1/integrations/${pushId}`, { token: a.users.admin.token });
    expect(read.json.pushPath).toBe(`/api/v1/connectors/mews/push/${pushId}`);
  });

  it("answers 401 problem+json unless the connector's authentication passes, and stores nothing", async () => {
    const importsBefore = (await itemsOf(host, 'imports', a.tenantId, 'import')).length;
    const refusals = [
      await push('mews', pushId, ''),
      await push('mews', pushId, '?Token=wrong-token-of-some-length'),
      await push('mews', pushId, `?Token=${WEBHOOK_TOKEN}x`),
      // The right token on the wrong connector, a pull integration, or an integration that does not exist.
      await push('opera', pushId, `?Token=${WEBHOOK_TOKEN}`),
      await push('mews', pullId, `?Token=${WEBHOOK_TOKEN}`),
      await push('mews', 'int_AAAAAAAAAAAAAAAA', `?Token=${WEBHOOK_TOKEN}`),
      // A tenant user's token is no vendor authentication.
      await push('mews', pushId, '', undefined, a.users.admin.token),
    ];
    for (const res of refusals) {
      expect([res.status, res.headers.get('content-type')]).toEqual([401, expect.stringContaining('application/problem+json')]);
      expectNoSecret(res);
    }
    await host.app.broker?.idle();
    expect((await itemsOf(host, 'imports', a.tenantId, 'import')).length).toBe(importsBefore);
  });

  it('hands an authenticated push to the connector (a message of another enterprise is no work), and the canonical webhook refuses connector integrations', async () => {
    const res = await push('mews', pushId, `?Token=${WEBHOOK_TOKEN}`, message(randomUUID()));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ importIds: [], healthCheck: false });
    const webhook = await send(host, { id: pushId, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, { records: [] });
    expect(webhook.status).toBe(401);
  });
});

describe('canonical batches into the import pipeline', () => {
  it('imports each batch under its own source type, once per (run key, source type, batch), through the same processor as webhooks', async () => {
    // Account mappings are accepted: the connector feeds ams.
    const created = await createMews(a, 'pull', { mappings: { departments: {}, accounts: { '7200': 'utilities' } } });
    const integration = await host.app.integrations.service.get(a.tenantId, created.json.id);
    const sourceTypes = integration.sourceTypes ?? [];
    expect(sourceTypes).toEqual(expect.arrayContaining(['pms', 'ams']));
    const batches = [
      { sourceType: 'pms' as const, records: [{ id: 'D-2026-03-14', date: '2026-03-14', kind: 'actual', roomsAvailable: 100, outOfOrder: 0, roomsSold: 80, complimentary: 2, roomRevenue: 12000, guests: 130 }] },
      { sourceType: 'pms' as const, records: [] },
      { sourceType: 'ams' as const, records: [{ id: 'GL-2026-03-14-7200', date: '2026-03-14', account: '7200', amount: 150.5, kind: 'actual' }] },
    ];
    const first = await host.app.integrations.receiveBatches({ integration, runKey: 'run-1', batches });
    expect(first.importIds).toHaveLength(2);
    expect(first.duplicates).toBe(0);
    const again = await host.app.integrations.receiveBatches({ integration, runKey: 'run-1', batches });
    expect(again).toEqual({ importIds: first.importIds, duplicates: 2 });
    await host.app.broker!.idle();
    const list = await host.request('GET', `/api/v1/integrations/${integration.id}/imports`, { token: a.users.admin.token });
    expect(list.json.items.map((i: { id: string }) => i.id).sort()).toEqual([...first.importIds].sort());
    const views = await Promise.all(first.importIds.map(async (importId) => (await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${importId}`, { token: a.users.admin.token })).json));
    expect(views.map((v) => [v.sourceType, v.status, v.counts?.accepted]).sort()).toEqual([
      ['ams', 'accepted', 1],
      ['pms', 'accepted', 1],
    ]);
    // A batch of a source type the connector does not feed is refused whole.
    await expect(host.app.integrations.receiveBatches({ integration: integration as IntegrationItem, runKey: 'run-2', batches: [{ sourceType: 'tms', records: [{ id: 'x' }] }] })).rejects.toThrow(/source type 'tms'/);
  });
});

describe('a push handed to the import pipeline', () => {
  // A vendor whose events are thin: the event names a date, the records come from the vendor's state.
  const vendor = { roomRevenue: 9000 };
  const pushSettings = z.strictObject({});
  const pushCredentials = z.strictObject({ token: z.string().min(16) });
  const thinVendor: Connector<typeof pushSettings, typeof pushCredentials> = {
    manifest: {
      id: 'thin-vendor',
      name: 'Thin vendor',
      vendor: 'Thin Ltd',
      sourceTypes: ['pms'],
      auth: 'mews-tokens',
      settings: pushSettings,
      credentials: pushCredentials,
      capabilities: { pull: false, push: true, maxWindowDays: 1, defaultSchedule: '0 0 * * * *' },
    },
    pull: async () => ({ batches: [], objectsRead: 0 }),
    backfill: async () => ({ batches: [], objectsRead: 0 }),
    push: {
      authenticate: (request, credentials) => request.query.token === credentials.token,
      handle: async (_ctx, request) => {
        const event = JSON.parse(request.body.toString('utf8')) as { type: string; date?: string };
        if (event.type === 'healthCheck') return { batches: [], objectsRead: 0, healthCheck: true };
        if (event.type === 'vendorDown') throw new VendorError('server_error', 'Thin Ltd', { status: 503, request: 'GET /days' });
        const record = { id: `D-${event.date}`, date: event.date, kind: 'actual', roomsAvailable: 100, outOfOrder: 0, roomsSold: 60, complimentary: 0, roomRevenue: vendor.roomRevenue, guests: 90 };
        return { batches: [{ sourceType: 'pms', records: [record] }], objectsRead: 1 };
      },
    },
  };
  const token = `tok-${randomUUID()}`;
  let unregister: () => void;
  let id: string;
  const push = (event: object) => host.request('POST', `/api/v1/connectors/thin-vendor/push/${id}?token=${token}`, { rawBody: JSON.stringify(event), headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    unregister = registerTestConnector(thinVendor);
    const res = await host.request('POST', '/api/v1/integrations', { token: a.users.admin.token, body: { kind: 'vendor-push', connector: 'thin-vendor', propertyId: a.propertyIds[0], name: 'Thin', settings: {}, credentials: { token } } });
    expect(res.status).toBe(201);
    id = res.json.id;
  });
  afterAll(() => unregister());

  it('imports what the event fetched; the same event again with the vendor unchanged is the same import, with the vendor changed a new one', async () => {
    const event = { type: 'dayChanged', date: '2026-02-10' };
    const first = await push(event);
    expect([first.status, first.json.importIds.length, first.json.healthCheck]).toEqual([202, 1, false]);
    const repeated = await push(event);
    expect(repeated.json.importIds).toEqual(first.json.importIds);
    vendor.roomRevenue = 9500;
    const changed = await push(event);
    expect(changed.json.importIds).toHaveLength(1);
    expect(changed.json.importIds).not.toEqual(first.json.importIds);
    await host.app.broker!.idle();
    const list = await host.request('GET', `/api/v1/integrations/${id}/imports`, { token: a.users.admin.token });
    expect(list.json.items.map((i: { id: string; status: string; sourceType: string }) => [i.id, i.status, i.sourceType]).sort()).toEqual(
      [first.json.importIds[0], changed.json.importIds[0]].sort().map((importId: string) => [importId, 'accepted', 'pms']),
    );
  });

  it('answers a health check with no work, and a vendor failure while fetching with 502 and its sanitised reason', async () => {
    const health = await push({ type: 'healthCheck' });
    expect([health.status, health.json]).toEqual([202, { importIds: [], healthCheck: true }]);
    const down = await push({ type: 'vendorDown' });
    expect([down.status, down.json.detail]).toEqual([502, 'Thin Ltd: server_error (HTTP 503) on GET /days']);
    expect(down.text).not.toContain(token);
  });
});
