import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { seedTenant, type SeededTenant } from '../support/identity.js';
import { createIntegration, itemsOf, send, sendAndWait } from './integrations-helpers.js';
import { TENANT_SCOPE } from '../../shared/platform/topology.js';

const host = useTestHost({ WEBHOOK_MAX_BODY_BYTES: '65536', BUS_MAX_DELIVERY_COUNT: '3' });
let a: SeededTenant;
let b: SeededTenant;

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
});

const posBatch = (date: string, revenue: number) => ({ records: [{ id: `Z-${date}-FB`, businessDate: date, outlet: 'FB', netRevenue: revenue, covers: 10, checks: 5 }] });

describe('integrations API', () => {
  it('creates an integration, showing the whsec_ secret once and storing it only sealed', async () => {
    const admin = a.users.admin.token;
    const created = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'pos' });
    expect(created.secret).toMatch(/^whsec_/);
    const read = await host.request('GET', `/api/v1/integrations/${created.id}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(created.secret);
    expect(read.json).toMatchObject({ id: created.id, sourceType: 'pos', format: 'json', acceptance: 'row-level', enabled: true });
    const stored = JSON.stringify(await itemsOf(host, 'imports', a.tenantId));
    expect(stored).not.toContain(created.secret.slice(6));
    const list = await host.request('GET', '/api/v1/integrations', { token: admin });
    expect(list.json.items.map((i: { id: string }) => i.id)).toContain(created.id);
  });

  it('enforces permissions, tenant isolation and mapping validation', async () => {
    const body = { propertyId: a.propertyIds[0], sourceType: 'pos', name: 'x' };
    expect((await host.request('POST', '/api/v1/integrations', { token: a.users.endUser.token, body })).status).toBe(403);
    const created = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[0], sourceType: 'pos' });
    expect((await host.request('GET', `/api/v1/integrations/${created.id}`, { token: b.users.admin.token })).status).toBe(404);
    expect((await host.request('DELETE', `/api/v1/integrations/${created.id}`, { token: b.users.admin.token })).status).toBe(404);
    // Another tenant's property, or a department of another property, is refused.
    const foreign = await host.request('POST', '/api/v1/integrations', { token: a.users.admin.token, body: { ...body, propertyId: b.propertyIds[0] } });
    expect(foreign.status).toBe(400);
    const otherDept = b.departmentIds[b.propertyIds[0] as string]?.[0] as string;
    const bad = await host.request('POST', '/api/v1/integrations', { token: a.users.admin.token, body: { ...body, mappings: { departments: { FB: otherDept } } } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('body.mappings.departments.FB');
    expect((await host.request('POST', '/api/v1/integrations', { token: a.users.admin.token, body: { ...body, tenantId: b.tenantId } })).status).toBe(400);
  });

  it('updates with If-Match and deletes', async () => {
    const admin = a.users.admin.token;
    const created = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'frs' });
    const read = await host.request('GET', `/api/v1/integrations/${created.id}`, { token: admin });
    const etag = read.headers.get('etag') as string;
    const patched = await host.request('PATCH', `/api/v1/integrations/${created.id}`, { token: admin, body: { name: 'Renamed', acceptance: 'all-or-nothing' }, headers: { 'if-match': etag } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'Renamed', acceptance: 'all-or-nothing' });
    const stale = await host.request('PATCH', `/api/v1/integrations/${created.id}`, { token: admin, body: { name: 'Again' }, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await host.request('DELETE', `/api/v1/integrations/${created.id}`, { token: admin })).status).toBe(204);
    expect((await host.request('GET', `/api/v1/integrations/${created.id}`, { token: admin })).status).toBe(404);
    expect((await send(host, created, posBatch('2026-01-01', 1))).status).toBe(401);
  });

  it("records the caller's IP address and user agent with an integration change, shown in the full audit view under audit.read.network", async () => {
    const admin = a.users.admin.token;
    const created = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'rms' });
    const etag = (await host.request('GET', `/api/v1/integrations/${created.id}`, { token: admin })).headers.get('etag') as string;
    const userAgent = 'IntegrationsConsole/2.1';
    const patched = await host.request('PATCH', `/api/v1/integrations/${created.id}`, { token: admin, body: { name: 'Audited' }, headers: { 'if-match': etag, 'user-agent': userAgent } });
    expect(patched.status).toBe(200);
    await host.app.broker!.idle();
    // The owner holds audit.read.network; the local host takes the client address from the TCP peer (loopback here).
    const audit = await host.request('GET', '/api/v1/audit?action=integration.updated&limit=200', { token: a.users.owner.token });
    expect(audit.status).toBe(200);
    const entry = audit.json.items.find((i: { target?: { id: string } }) => i.target?.id === created.id);
    expect(entry).toMatchObject({ actor: { id: a.users.admin.id }, userAgent });
    expect(entry.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
  });

  it('serves JSON Schemas of the canonical formats', async () => {
    const res = await host.request('GET', '/api/v1/integrations/schemas/tms');
    expect(res.status).toBe(200);
    expect(res.json.properties.records).toBeDefined();
    expect((await host.request('GET', '/api/v1/integrations/schemas/xyz')).status).toBe(400);
  });
});

describe('webhook', () => {
  it('refuses a wrong secret, stale and future timestamps and missing headers with 401, storing nothing', async () => {
    const integration = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[1], sourceType: 'pos' });
    const before = (await itemsOf(host, 'imports', a.tenantId, 'import')).length;
    const other = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[1], sourceType: 'pos' });
    const body = posBatch('2026-01-02', 5);
    expect((await send(host, integration, body, { secrets: [other.secret] })).status).toBe(401);
    expect((await send(host, integration, body, { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    expect((await send(host, integration, body, { at: new Date(Date.now() + 6 * 60_000) })).status).toBe(401);
    const unsigned = await host.request('POST', `/api/v1/integrations/${integration.id}/webhook`, { body });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json');
    expect((await send(host, { id: 'int_AAAAAAAAAAAAAAAA', secret: integration.secret }, body)).status).toBe(401);
    expect((await itemsOf(host, 'imports', a.tenantId, 'import')).length).toBe(before);
  });

  it('accepts a signed delivery with 202 and maps a redelivery (same webhook-id) to the same import, processed once', async () => {
    const integration = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[1], sourceType: 'pos' });
    const body = posBatch('2026-01-03', 100);
    const first = await send(host, integration, body, { webhookId: 'msg_same' });
    expect(first.status).toBe(202);
    expect(first.json.importId).toMatch(/^imp_/);
    await host.app.broker?.idle();
    const again = await send(host, integration, body, { webhookId: 'msg_same' });
    expect(again.status).toBe(202);
    expect(again.json.importId).toBe(first.json.importId);
    await host.app.broker?.idle();
    const list = await host.request('GET', `/api/v1/integrations/${integration.id}/imports`, { token: a.users.admin.token });
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0]).toMatchObject({ status: 'accepted', processedRun: 1, counts: { records: 1, accepted: 1, upserted: 1 } });
  });

  it('refuses bodies over the limit with 413', async () => {
    const integration = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[1], sourceType: 'pos', format: 'csv' });
    const res = await send(host, integration, 'x'.repeat(70_000));
    expect(res.status).toBe(413);
  });

  it('refuses deliveries to a disabled integration', async () => {
    const integration = await createIntegration(host, a.users.admin.token, { propertyId: a.propertyIds[1], sourceType: 'pos', enabled: false });
    expect((await send(host, integration, posBatch('2026-01-04', 1))).status).toBe(409);
  });

  it('keeps the previous secret valid during the rotation overlap, then only the new one', async () => {
    const admin = a.users.admin.token;
    const integration = await createIntegration(host, admin, { propertyId: a.propertyIds[1], sourceType: 'pos' });
    const rotated = await host.request('POST', `/api/v1/integrations/${integration.id}/rotate-secret`, { token: admin });
    expect(rotated.status).toBe(200);
    const fresh = { id: integration.id, secret: rotated.json.secret as string };
    expect(fresh.secret).not.toBe(integration.secret);
    expect(Date.parse(rotated.json.previousValidUntil) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await send(host, integration, posBatch('2026-01-05', 1))).status).toBe(202);
    expect((await send(host, fresh, posBatch('2026-01-05', 1))).status).toBe(202);
    expect((await send(host, integration, posBatch('2026-01-05', 1), { secrets: [integration.secret, fresh.secret] })).status).toBe(202);
    // The overlap ends: expire the old secret in the store.
    const col = host.app.store.collection<{ id: string; tenantId: string; type: string; secrets: Array<{ expiresAt?: string }> }>('imports', a.tenantId).scoped(TENANT_SCOPE);
    const item = await col.read(integration.id);
    if (!item) throw new Error('integration missing');
    item.secrets = item.secrets.map((s) => (s.expiresAt ? { ...s, expiresAt: new Date(Date.now() - 1000).toISOString() } : s));
    await col.replace(item);
    // Written behind the service's back, as another instance would: the receiver sees it once its cached copy lapses (TTL).
    host.app.integrations.service.forgetReceiving(integration.id);
    expect((await send(host, integration, posBatch('2026-01-05', 1))).status).toBe(401);
    expect((await send(host, fresh, posBatch('2026-01-05', 2))).status).toBe(202);
    await host.app.broker?.idle();
  });
});

describe('imports', () => {
  it('lists with status and time filters, pages with continuation, and shows one import', async () => {
    const admin = a.users.admin.token;
    const integration = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'rms' });
    for (let i = 0; i < 3; i++) await sendAndWait(host, admin, integration, { records: [{ id: `F-${i}`, date: '2026-04-01', rooms: 10 + i, adr: 100 }] });
    await sendAndWait(host, admin, integration, { records: [{ id: 'bad', date: 'soon', rooms: 1, adr: 1 }] });
    const base = `/api/v1/integrations/${integration.id}/imports`;
    const rejected = await host.request('GET', `${base}?status=rejected`, { token: admin });
    expect(rejected.json.items).toHaveLength(1);
    const page1 = await host.request('GET', `${base}?limit=2`, { token: admin });
    expect(page1.json.items).toHaveLength(2);
    const page2 = await host.request('GET', `${base}?limit=2&continuation=${encodeURIComponent(page1.json.continuation)}`, { token: admin });
    expect(page2.json.items).toHaveLength(2);
    expect((await host.request('GET', `${base}?status=accepted&limit=2&continuation=${encodeURIComponent(page1.json.continuation)}`, { token: admin })).status).toBe(400);
    expect((await host.request('GET', `${base}?from=2999-01-01`, { token: admin })).json.items).toHaveLength(0);
    const one = await host.request('GET', `${base}/${rejected.json.items[0].id}`, { token: admin });
    expect(one.json).toMatchObject({ status: 'rejected', errors: [{ path: '$.records[0]', field: 'date' }] });
    expect(one.json.enc).toBeUndefined();
    expect((await host.request('GET', `${base}/${rejected.json.items[0].id}`, { token: b.users.admin.token })).status).toBe(404);
  });

  it('replays an import from its stored body, and refuses once retention purged it', async () => {
    const admin = a.users.admin.token;
    const integration = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'pos', mappings: { departments: {} } });
    // The outlet code is unknown at first: rejected. Map it, then replay.
    const imp = await sendAndWait(host, admin, integration, { records: [{ id: 'Z-R', businessDate: '2026-02-01', outlet: 'RESTO', netRevenue: 50 }] });
    expect(imp).toMatchObject({ status: 'rejected', errors: [{ field: 'outlet' }] });
    const fb = a.departmentIds[a.propertyIds[0] as string]?.[1] as string;
    await host.request('PATCH', `/api/v1/integrations/${integration.id}`, { token: admin, body: { mappings: { departments: { RESTO: fb } } } });
    const replay = await host.request('POST', `/api/v1/integrations/${integration.id}/imports/${imp.id}/replay`, { token: admin });
    expect(replay.status).toBe(202);
    expect(replay.json).toEqual({ importId: imp.id, run: 2 });
    await host.app.broker?.idle();
    const after = await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${imp.id}`, { token: admin });
    expect(after.json).toMatchObject({ status: 'accepted', run: 2, processedRun: 2 });
    const facts = await itemsOf<{ contributions: Array<{ departmentId: string }> }>(host, 'facts', a.tenantId, 'fact');
    expect(facts.some((f) => f.contributions[0]?.departmentId === fb)).toBe(true);

    // Retention: an import received 40 days ago loses its raw body.
    const col = host.app.store.collection<{ id: string; tenantId: string; type: string; receivedAt: string }>('imports', a.tenantId).scoped(a.propertyIds[0] as string);
    const item = await col.read(imp.id);
    if (!item) throw new Error('import missing');
    await col.replace({ ...item, receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    await host.scheduler.trigger('importsRawRetention');
    const purged = (await col.read(imp.id)) as unknown as { enc?: unknown; raw: { purgedAt?: string } };
    expect(purged?.enc).toBeUndefined();
    expect(purged?.raw.purgedAt).toBeDefined();
    expect((await host.request('POST', `/api/v1/integrations/${integration.id}/imports/${imp.id}/replay`, { token: admin })).status).toBe(409);
  });

  it('sweeps dead-lettered messages into failed imports with their reason', async () => {
    const admin = a.users.admin.token;
    const integration = await createIntegration(host, admin, { propertyId: a.propertyIds[0], sourceType: 'pms' });
    const processor = host.app.integrations.processor;
    const original = processor.process.bind(processor);
    processor.process = async () => {
      throw new Error('poison: the normaliser crashed');
    };
    let importId: string;
    try {
      const res = await send(host, integration, { records: [{ id: 'D-1', date: '2026-01-01', roomsAvailable: 10, roomsSold: 5, roomRevenue: 500 }] });
      importId = res.json.importId;
      await host.app.broker?.idle();
    } finally {
      processor.process = original;
    }
    expect(host.app.broker?.deadLettered('imports')).toHaveLength(1);
    await host.scheduler.trigger('importsDeadLetterSweep');
    expect(host.app.broker?.deadLettered('imports')).toHaveLength(0);
    const failed = await host.request('GET', `/api/v1/integrations/${integration.id}/imports/${importId}`, { token: admin });
    expect(failed.json).toMatchObject({ status: 'failed', failure: { reason: 'deadLettered' } });
    expect(failed.json.failure.detail).toContain('poison');
  });
});

describe('status', () => {
  it("reports the last successful import and flags integrations with no data today as late", async () => {
    const admin = a.users.admin.token;
    const quiet = await createIntegration(host, admin, { propertyId: a.propertyIds[1], sourceType: 'snc', name: 'Quiet' });
    const busy = await createIntegration(host, admin, { propertyId: a.propertyIds[1], sourceType: 'trs', name: 'Busy' });
    await sendAndWait(host, admin, busy, { records: [{ id: 'R1', date: '2026-01-01', outlet: 'FB', covers: 2, status: 'completed' }] });
    const res = await host.request('GET', '/api/v1/integrations/status', { token: admin });
    expect(res.status).toBe(200);
    const byId = new Map(res.json.items.map((i: { integrationId: string }) => [i.integrationId, i]));
    const q = byId.get(quiet.id) as { late: boolean; lastSuccessfulImport: unknown; timezone: string; expectedByLocalHour: number };
    const b2 = byId.get(busy.id) as { late: boolean; lastSuccessfulImport: { status: string } };
    expect(q.lastSuccessfulImport).toBeNull();
    expect(q.timezone).toBe('Europe/Berlin');
    expect(b2.lastSuccessfulImport.status).toBe('accepted');
    expect(b2.late).toBe(false);
    const { localDateHour } = await import('../../shared/integrations/properties.js');
    expect(q.late).toBe(localDateHour(new Date(), 'Europe/Berlin').hour >= q.expectedByLocalHour);
    expect((await host.request('GET', '/api/v1/integrations/status', { token: a.users.endUser.token })).status).toBe(403);
  });
});
