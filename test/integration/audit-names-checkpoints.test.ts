import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestHost } from '../support/host.js';
import { platformOperator, platformOperatorToken, seedTenant, type SeededTenant } from '../support/identity.js';
import { entryHash, entryId, type ChainEntry } from '../../shared/audit/chain.js';
import { verifyExport } from '../../shared/audit/verify.js';
import type { Item } from '../../shared/platform/cosmos/store.js';

/**
 * Issue #14 items 8 and 9 through real HTTP: display names in the audit views and export (opened
 * at view time under each person's key, "[redacted]" after a redaction), and checkpoints signed
 * within AUDIT_CHECKPOINT_DELAY_SECONDS of an append, so rewriting the newest entry is caught.
 * The delay is 1 s here; the tests wait for the bus (scheduled messages included), never a clock.
 */
const host = useTestHost({ AUDIT_CHECKPOINT_DELAY_SECONDS: '1', LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
let a: SeededTenant;
let operator: string;

beforeAll(async () => {
  a = await seedTenant(host);
  operator = await platformOperatorToken(host);
  await host.app.broker!.idle();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any;

async function nameOf(userId: string): Promise<string> {
  const res = await host.request('GET', `/api/v1/users/${userId}`, { token: a.users.owner.token });
  return `${res.json.firstName} ${res.json.lastName}`;
}

async function ownView(query = ''): Promise<View[]> {
  await host.app.broker!.idle();
  const res = await host.request('GET', `/api/v1/audit?limit=200${query}`, { token: a.users.owner.token });
  expect(res.status).toBe(200);
  return res.json.items;
}

describe('names in the audit log', () => {
  it('shows actors and user targets by name in the customer view, platform staff as "Platform support"', async () => {
    const ownerName = await nameOf(a.users.owner.id);
    const endUserName = await nameOf(a.users.endUser.id);
    const invites = await ownView('&action=user.invited');
    const invite = invites.find((i) => i.target?.id === a.users.endUser.id);
    expect(invite).toMatchObject({ actor: { id: a.users.owner.id, display: ownerName }, target: { type: 'user', id: a.users.endUser.id, display: endUserName } });
    const logins = await ownView('&action=auth.login_succeeded');
    expect(logins.find((i) => i.actor.id === a.users.admin.id)?.actor.display).toBe(await nameOf(a.users.admin.id));
    // Nothing in the log is left without a name where a person acted.
    const all = await ownView();
    expect(all.filter((i) => i.actor.type === 'user' && i.actor.display === null)).toEqual([]);
  });

  it('shows platform staff by name in the full view, and carries the names in the NDJSON export beside entries that still verify', async () => {
    const { email } = await platformOperator(host);
    const grant = await host.request('POST', '/api/v1/support-grants', { token: a.users.owner.token, body: { agentEmail: email, permissions: ['audit.read'], hours: 1 } });
    expect(grant.status).toBe(201);
    await host.request('GET', `/api/v1/audit?tenantId=${a.tenantId}`, { token: operator });
    await host.app.broker!.idle();
    const full = await host.request('GET', `/api/v1/audit?tenantId=${a.tenantId}&action=audit.viewed&limit=200`, { token: operator });
    expect(full.json.items.find((i: View) => i.actor.type === 'platform-operator')?.actor.display).toBe('Platform Operator');

    const res = await host.request('GET', '/api/v1/audit/export', { token: a.users.owner.token });
    const lines = res.text.trim().split('\n').map((l) => JSON.parse(l) as View);
    const entries = lines.filter((l) => l.type === 'auditEntry');
    const invite = entries.find((e) => e.action === 'user.invited' && e.targetId === a.users.endUser.id);
    expect(invite._display).toEqual({ actor: await nameOf(a.users.owner.id), target: await nameOf(a.users.endUser.id) });
    expect(entries.filter((e) => e.actorType === 'platform-operator').every((e) => e._display.actor === 'Platform support')).toBe(true);
    const keys = await host.request('GET', '/api/v1/.well-known/audit-keys.json');
    expect(await verifyExport(res.text, keys.json)).toMatchObject({ ok: true });
    await host.request('DELETE', `/api/v1/support-grants/${grant.json.id}`, { token: a.users.owner.token });
  });

  it('reads "[redacted]" for a redacted person, in the views and the export, and their name is gone', async () => {
    const name = await nameOf(a.users.endUser.id);
    const redaction = await host.request('POST', `/api/v1/users/${a.users.endUser.id}/redaction`, {
      token: a.users.owner.token,
      body: { reason: 'erasure request', requestedBy: 'ticket 4711' },
    });
    expect(redaction.status).toBe(202);
    const all = await ownView();
    const about = all.filter((i) => i.target?.id === a.users.endUser.id || i.actor.id === a.users.endUser.id);
    expect(about.length).toBeGreaterThan(0);
    for (const i of about) {
      if (i.target?.id === a.users.endUser.id) expect(i.target.display).toBe('[redacted]');
      if (i.actor.id === a.users.endUser.id) expect(i.actor.display).toBe('[redacted]');
    }
    const exported = await host.request('GET', '/api/v1/audit/export', { token: a.users.owner.token });
    expect(exported.text).toContain('"target":"[redacted]"');
    expect(exported.text).not.toContain(name);
    expect(JSON.stringify(all)).not.toContain(name);
  });
});

describe('prompt checkpoints', () => {
  it('signs the newest entries within the delay: verify reports no unsigned tail, and a rewritten newest entry is caught', async () => {
    await host.app.broker!.idle();
    const verified = await host.request('GET', '/api/v1/audit/verify', { token: a.users.owner.token });
    expect(verified.json).toMatchObject({ ok: true, unsignedTail: 0 });
    await host.app.broker!.idle();

    const head = await host.app.audit.repo.head(a.tenantId);
    const raw = host.app.store.collection<Item>('audit', a.tenantId);
    const newest = (await raw.for({ seq: head.seq }).read(entryId(head.seq))) as unknown as ChainEntry;
    const rewritten = { ...newest, payload: { ...newest.payload, outcome: 'failure' as const } };
    delete (rewritten as Partial<ChainEntry>).hash;
    const forged = { ...rewritten, hash: entryHash(rewritten as unknown as Record<string, unknown>) };
    await raw.replace(forged as unknown as Item);

    const caught = await host.request('GET', '/api/v1/audit/verify', { token: a.users.owner.token });
    expect(caught.json).toMatchObject({ ok: false, firstBrokenSeq: head.seq, reason: 'entry hash does not match the signed checkpoint' });
  });

  it('asks for the checkpoint on append, for the tenant that appended', async () => {
    const t = `tail-${Date.now()}`;
    for (let i = 0; i < 3; i++) await host.app.audit.append({ id: `tail-${i}-${t}`, tenantId: t, occurredAt: new Date().toISOString(), actor: { type: 'system', id: 'test' }, action: 'test.appended', outcome: 'success' });
    await host.app.broker!.idle();
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: true, entries: 3, unsignedTail: 0 });
    expect((await host.app.audit.repo.checkpoints(t)).at(-1)?.seq).toBe(3);
  });
});
