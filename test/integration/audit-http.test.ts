import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestHost } from '../support/host.js';
import { seedTenant, platformOperator, platformOperatorToken, type SeededTenant } from '../support/identity.js';
import { verifyExport } from '../../shared/audit/verify.js';

let a: SeededTenant;
let b: SeededTenant;
let operator: string;

const host = useTestHost({ LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'audit-http-')) });

beforeAll(async () => {
  a = await seedTenant(host);
  b = await seedTenant(host);
  operator = await platformOperatorToken(host);
  await host.app.broker!.idle();
  await host.app.audit.checkpointAll();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any;

describe('GET /api/v1/audit', () => {
  it("shows the tenant's own chain to holders of audit.read, with network details only under audit.read.network", async () => {
    const owner = await host.request('GET', '/api/v1/audit?limit=200', { token: a.users.owner.token });
    expect(owner.status).toBe(200);
    const actions = owner.json.items.map((i: View) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['user.invited']));
    const ownerLogin = owner.json.items.find((i: View) => i.actor.id === a.users.owner.id && i.ip);
    expect(ownerLogin?.ip).toEqual(expect.any(String));

    const admin = await host.request('GET', '/api/v1/audit?limit=200', { token: a.users.admin.token });
    expect(admin.status).toBe(200);
    expect(admin.json.items.some((i: View) => i.ip !== undefined || i.userAgent !== undefined)).toBe(false);
    // The platform operator who created the tenant appears as "Platform support", without an id.
    const platformActs = admin.json.items.filter((i: View) => i.actor.type === 'platform-support');
    for (const i of platformActs) expect(i.actor).toEqual({ type: 'platform-support', display: 'Platform support' });
    expect(admin.json.items.some((i: View) => i.actor.type === 'platform-operator')).toBe(false);

    const endUser = await host.request('GET', '/api/v1/audit', { token: a.users.endUser.token });
    expect(endUser.status).toBe(403);
  });

  it('filters by action and audits each read (audit.viewed)', async () => {
    const res = await host.request('GET', '/api/v1/audit?action=user.invited', { token: a.users.owner.token });
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBeGreaterThan(0);
    expect(new Set(res.json.items.map((i: View) => i.action))).toEqual(new Set(['user.invited']));
    await host.app.broker!.idle();
    const viewed = await host.request('GET', '/api/v1/audit?action=audit.viewed', { token: a.users.owner.token });
    expect(viewed.json.items.some((i: View) => i.actor.id === a.users.owner.id && i.details?.view === 'list')).toBe(true);
  });

  it('refuses unknown and malformed parameters with 400', async () => {
    expect((await host.request('GET', '/api/v1/audit?verbose=1', { token: a.users.owner.token })).status).toBe(400);
    expect((await host.request('GET', '/api/v1/audit?from=yesterday', { token: a.users.owner.token })).status).toBe(400);
    expect((await host.request('GET', '/api/v1/audit?continuation=garbage', { token: a.users.owner.token })).status).toBe(400);
  });
});

describe('tenant isolation', () => {
  it.each(['/api/v1/audit', '/api/v1/audit/verify', '/api/v1/audit/export'])("tenant A can't reach tenant B's chain through %s", async (path) => {
    const res = await host.request('GET', `${path}?tenantId=${b.tenantId}`, { token: a.users.owner.token });
    expect(res.status).toBe(404);
  });

  it("never shows tenant B's events in tenant A's view", async () => {
    const bChain = await host.app.audit.list(b.tenantId, {}, { full: true, network: true }, { limit: 200 });
    const bEvents = new Set(bChain.items.map((i) => i.eventId));
    expect(bEvents.size).toBeGreaterThan(0);
    const res = await host.request('GET', '/api/v1/audit?limit=200', { token: a.users.owner.token });
    expect(res.json.items.filter((i: View) => bEvents.has(i.eventId))).toEqual([]);
  });

  it("lets a platform operator verify any tenant's chain, and read its entries in the full view only under the tenant's support grant", async () => {
    const verify = await host.request('GET', `/api/v1/audit/verify?tenantId=${b.tenantId}`, { token: operator });
    expect(verify.status).toBe(200);
    expect(verify.json).toMatchObject({ ok: true, checkedFrom: 1 });
    expect((await host.request('GET', `/api/v1/audit?tenantId=${b.tenantId}&limit=200`, { token: operator })).status).toBe(403);
    const { email } = await platformOperator(host);
    const grant = await host.request('POST', '/api/v1/support-grants', { token: b.users.owner.token, body: { agentEmail: email, permissions: ['audit.read'], hours: 1 } });
    expect(grant.status).toBe(201);
    const list = await host.request('GET', `/api/v1/audit?tenantId=${b.tenantId}&limit=200`, { token: operator });
    expect(list.status).toBe(200);
    expect(list.json.items.some((i: View) => i.actor.type === 'platform-operator' && typeof i.actor.id === 'string')).toBe(true);
    await host.request('DELETE', `/api/v1/support-grants/${grant.json.id}`, { token: b.users.owner.token });
  });
});

describe('verify and export', () => {
  it('verifies the own chain', async () => {
    const res = await host.request('GET', '/api/v1/audit/verify', { token: a.users.admin.token });
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(res.json.entries).toBeGreaterThan(0);
  });

  it('exports NDJSON that verifies offline against the published keys, and fails with one byte changed', async () => {
    const res = await host.request('GET', '/api/v1/audit/export', { token: a.users.owner.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const keys = (await host.request('GET', '/api/v1/.well-known/audit-keys.json')).json;
    const result = await verifyExport(res.text, keys);
    expect(result).toMatchObject({ ok: true, tenantId: a.tenantId, checkedFrom: 1 });
    expect(result.checkpoints).toBeGreaterThan(0);

    const lines = res.text.trimEnd().split('\n');
    const target = lines.findIndex((l) => l.includes('"type":"auditEntry"') && l.includes('"seq":2,'));
    const line = lines[target]!;
    const pos = line.indexOf('"outcome":"') + 11;
    lines[target] = line.slice(0, pos) + (line[pos] === 'x' ? 'y' : 'x') + line.slice(pos + 1);
    expect(await verifyExport(lines.join('\n') + '\n', keys)).toMatchObject({ ok: false, firstBrokenSeq: 2 });

    await host.app.broker!.idle();
    const viewed = await host.app.audit.list(a.tenantId, { action: 'audit.viewed' }, { full: true, network: true }, { limit: 50 });
    expect(viewed.items.find((i) => i.details?.view === 'export')?.details?.count).toBe(result.entries);
  });
});
