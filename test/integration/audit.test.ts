import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { useTestHost } from '../support/host.js';
import { auditMessage, AUDIT_SEAL_FIELDS, type AuditEvent, type NewAuditEvent } from '../../shared/audit/event.js';
import { entryId, type ChainEntry } from '../../shared/audit/chain.js';
import { verifyExport } from '../../shared/audit/verify.js';
import { AuditRepository, type AuditItem } from '../../shared/audit/repository.js';
import { AuditAppender } from '../../shared/audit/appender.js';
import type { Item, Store } from '../../shared/platform/cosmos/store.js';

const host = useTestHost({ LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'audit-test-')) });

const newTenant = (): string => `t-${randomUUID().slice(0, 8)}`;

function ev(tenantId: string, i: number, extra: Partial<NewAuditEvent> = {}): NewAuditEvent {
  return {
    tenantId,
    actor: { type: 'user', id: `user-${i % 2}` },
    action: 'settings.updated',
    target: { type: 'settings', id: 'password-policy' },
    outcome: 'success',
    details: { i },
    ...extra,
  };
}

/** Emits events through the outbox (as every producer does) and waits for the consumer. */
async function emit(tenantId: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await host.app.audit.record(ev(tenantId, i));
  await host.app.broker!.idle();
}

async function entries(tenantId: string): Promise<ChainEntry[]> {
  const all = await host.app.store
    .collection<ChainEntry>('audit', tenantId)
    .all<ChainEntry>("SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'auditEntry'", { t: tenantId });
  return all.sort((a, b) => a.seq - b.seq);
}

const raw = (tenantId: string) => host.app.store.collection<Item>('audit', tenantId);

describe('append through the session-enabled audit queue', () => {
  it('builds a gapless chain per tenant, in each producer order, under concurrent producers', async () => {
    const tenants = [newTenant(), newTenant(), newTenant()];
    const producers = tenants.flatMap((t) =>
      [0, 1].map(async (p) => {
        for (let i = 0; i < 6; i++) await host.app.audit.record(ev(t, i, { details: { producer: p, i } }));
      }),
    );
    await Promise.all(producers);
    await host.app.broker!.idle();
    for (const t of tenants) {
      const chain = await entries(t);
      expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      for (const p of [0, 1]) {
        const order = chain.filter((e) => e.payload.details?.producer === p).map((e) => e.payload.details?.i);
        expect(order).toEqual([0, 1, 2, 3, 4, 5]);
      }
      expect(new Set(chain.map((e) => e.tenantId))).toEqual(new Set([t]));
      expect(await host.app.audit.verify(t)).toEqual({ ok: true, checkedFrom: 1, checkedTo: 12, entries: 12, unsignedTail: 12 });
    }
  });

  it('appends a redelivered event once, also long after it left the head and on a fresh consumer', async () => {
    const t = newTenant();
    const message = auditMessage(ev(t, 1));
    const event = message.body as unknown as AuditEvent;
    // A second message with another message id carries the same event (duplicate detection can't drop it).
    await host.app.bus.publish('audit', [{ ...message, queue: undefined } as never]);
    await host.app.bus.publish('audit', [{ ...message, messageId: randomUUID(), queue: undefined } as never]);
    await host.app.broker!.idle();
    expect((await entries(t)).map((e) => e.eventId)).toEqual([event.id]);
    expect(await host.app.audit.append(event)).toBe('duplicate');

    const second = auditMessage(ev(t, 2)).body as unknown as AuditEvent;
    expect(await host.app.audit.append(second)).toBe('appended');
    // A late duplicate of an event that is no longer the head (an outbox relay after the bus's
    // duplicate window): the create of entry 3 meets the unique key, and entry 3 does not exist.
    await host.app.bus.publish('audit', [{ ...message, messageId: randomUUID(), queue: undefined } as never]);
    await host.app.broker!.idle();
    // The same on another instance, which knows no head yet.
    const fresh = new AuditAppender(new AuditRepository(host.app.store), host.app.log);
    expect(await fresh.append(event)).toBe('duplicate');
    expect(await fresh.append(second)).toBe('duplicate');
    expect((await entries(t)).map((e) => e.eventId)).toEqual([event.id, second.id]);
    expect(host.app.broker!.deadLettered('audit')).toEqual([]);
    expect(await host.app.audit.verify(t)).toEqual({ ok: true, checkedFrom: 1, checkedTo: 2, entries: 2, unsignedTail: 2 });
  });

  it('the store itself refuses a second item with an event id the tenant already has (unique key /eventId)', async () => {
    const t = newTenant();
    await emit(t, 1);
    const [first] = await entries(t);
    const repo = new AuditRepository(host.app.store);
    const copy = { ...(first as ChainEntry), id: entryId(2), seq: 2 };
    expect(await repo.create(copy)).toBe('exists');
    // Another tenant may carry the same event id: the key is unique per partition.
    const other = newTenant();
    expect(await repo.create({ ...copy, tenantId: other, id: entryId(1), seq: 1 })).toBe('created');
    expect((await entries(t)).map((e) => e.seq)).toEqual([1]);
  });

  it('a stalled attempt and a redelivery of the same event running at once append it once', async () => {
    /** A writer that stalls right before its entry create (as if it lost its session lock there). */
    class StallingRepository extends AuditRepository {
      private resume: () => void = () => undefined;
      private arrived: () => void = () => undefined;
      readonly stalled: Promise<void>;
      private readonly gate: Promise<void>;
      constructor(store: Store) {
        super(store);
        this.stalled = new Promise((resolve) => (this.arrived = resolve));
        this.gate = new Promise((resolve) => (this.resume = resolve));
      }
      release(): void {
        this.resume();
      }
      override async create<T extends AuditItem>(item: T): Promise<'created' | 'exists'> {
        this.arrived();
        await this.gate;
        return super.create(item);
      }
    }
    for (const headMoves of [false, true]) {
      const t = newTenant();
      await emit(t, 1);
      const event = auditMessage(ev(t, 2)).body as unknown as AuditEvent;
      const repo = new StallingRepository(host.app.store);
      const stalled = new AuditAppender(repo, host.app.log).append(event);
      await repo.stalled;
      // The redelivery appends the event...
      expect(await host.app.audit.append(event)).toBe('appended');
      // ...and the session moves on to the next event before the stalled writer wakes up.
      if (headMoves) expect(await host.app.audit.append(auditMessage(ev(t, 3)).body as unknown as AuditEvent)).toBe('appended');
      repo.release();
      // The stalled writer's create of entry 2 hits 409; entry 2 is its event: a duplicate.
      expect(await stalled).toBe('duplicate');
      const chain = await entries(t);
      expect(chain.filter((e) => e.eventId === event.id).map((e) => e.seq)).toEqual([2]);
      expect(chain.map((e) => e.seq)).toEqual(headMoves ? [1, 2, 3] : [1, 2]);
      expect((await host.app.audit.verify(t)).ok).toBe(true);
    }
  });

  it('does not fork when another writer took the next seq: it retries on the new head', async () => {
    const t = newTenant();
    await emit(t, 2);
    // Warm the appender's cached head, then let a foreign writer append seq 4 behind its back.
    const other = await import('../../shared/audit/appender.js');
    const { AuditRepository } = await import('../../shared/audit/repository.js');
    const stranger = new other.AuditAppender(new AuditRepository(host.app.store), host.app.log);
    expect(await host.app.audit.append(auditMessage(ev(t, 3)).body as unknown as AuditEvent)).toBe('appended');
    expect(await stranger.append(auditMessage(ev(t, 4)).body as unknown as AuditEvent)).toBe('appended');
    expect(await host.app.audit.append(auditMessage(ev(t, 5)).body as unknown as AuditEvent)).toBe('appended');
    expect((await entries(t)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await host.app.audit.verify(t)).ok).toBe(true);
  });
});

describe('tampering in the store is reported at the exact first broken seq', () => {
  async function tenantWith(n: number, checkpoint = false): Promise<string> {
    const t = newTenant();
    await emit(t, n);
    if (checkpoint) expect(await host.app.audit.checkpoint(t)).toBeDefined();
    return t;
  }

  it('a changed field', async () => {
    const t = await tenantWith(6);
    const e = (await raw(t).for({ seq: 4 }).read(entryId(4))) as unknown as ChainEntry;
    await raw(t).replace({ ...e, payload: { ...e.payload, outcome: 'failure' } } as unknown as Item);
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('a deleted entry', async () => {
    const t = await tenantWith(6);
    await raw(t).for({ seq: 3 }).delete(entryId(3));
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 3, reason: 'entry 3 is missing' });
  });

  it('an inserted entry', async () => {
    const t = await tenantWith(6);
    const e = (await raw(t).for({ seq: 2 }).read(entryId(2))) as unknown as ChainEntry;
    await raw(t).create({ ...e, id: 'entry:000000000002b', eventId: 'forged', payload: { ...e.payload, id: 'forged' } } as unknown as Item);
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });

  it('two swapped entries', async () => {
    const t = await tenantWith(6);
    const a = (await raw(t).for({ seq: 3 }).read(entryId(3))) as unknown as ChainEntry;
    const b = (await raw(t).for({ seq: 4 }).read(entryId(4))) as unknown as ChainEntry;
    // Through deletes and creates: the container's unique key /eventId refuses two items with one event id at any moment.
    await raw(t).for(a).delete(a.id);
    await raw(t).for(b).delete(b.id);
    await raw(t).create({ ...b, id: a.id } as unknown as Item);
    await raw(t).create({ ...a, id: b.id } as unknown as Item);
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('a dropped tail, against the last signed checkpoint', async () => {
    const t = await tenantWith(6, true);
    expect((await host.app.audit.verify(t)).ok).toBe(true);
    await raw(t).for({ seq: 6 }).delete(entryId(6));
    await raw(t).for({ seq: 5 }).delete(entryId(5));
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 5, checkedTo: 4 });
  });

  it('a forged checkpoint signature', async () => {
    const t = await tenantWith(3, true);
    const cp = (await host.app.store.collection<Item & { jws: string }>('audit', t).for({ seq: 3 }).read('checkpoint:000000000003'))!;
    const parts = cp.jws.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()), at: '2020-01-01T00:00:00.000Z' })).toString('base64url');
    await raw(t).replace({ ...cp, jws: `${parts[0]}.${forgedPayload}.${parts[2]}` } as Item);
    expect(await host.app.audit.verify(t)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });
});

describe('checkpoints, nightly verification and export', () => {
  it('signs each moved head once, publishes the keys, and verifies an export offline', async () => {
    const t = newTenant();
    await emit(t, 5);
    await host.scheduler.trigger('auditCheckpoint');
    await emit(t, 2);
    await host.scheduler.trigger('auditCheckpoint');
    await host.scheduler.trigger('auditCheckpoint');
    const cps = await host.app.audit.repo.checkpoints(t);
    expect(cps.map((c) => c.seq)).toEqual([5, 7]);

    const keys = await host.request('GET', '/api/v1/.well-known/audit-keys.json');
    expect(keys.status).toBe(200);
    expect(keys.json.keys).toHaveLength(1);
    expect(keys.json.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(keys.json.keys[0].d).toBeUndefined();

    let text = '';
    for await (const line of host.app.audit.exportLines(t, {}, 'http://localhost/keys')) text += line + '\n';
    expect(await verifyExport(text, keys.json)).toMatchObject({ ok: true, checkedFrom: 1, checkedTo: 7, entries: 7, checkpoints: 2 });

    // One byte changed anywhere in an entry line breaks it.
    const at = text.indexOf('"i":4');
    const changed = text.slice(0, at) + '"i":5' + text.slice(at + 5);
    expect(await verifyExport(changed, keys.json)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
    // Another key set (someone else's) does not verify the checkpoints.
    expect((await verifyExport(text, { keys: [{ ...keys.json.keys[0], x: keys.json.keys[0].y }] })).ok).toBe(false);
  });

  it('exports a time range as a contiguous run that verifies on its own', async () => {
    const t = newTenant();
    await emit(t, 3);
    const middle = new Date(Date.now() + 5).toISOString();
    await new Promise((r) => setTimeout(r, 10));
    await emit(t, 3);
    await host.app.audit.checkpoint(t);
    let text = '';
    for await (const line of host.app.audit.exportLines(t, { from: middle }, 'http://localhost/keys')) text += line + '\n';
    const meta = JSON.parse(text.split('\n')[0]!);
    expect(meta).toMatchObject({ firstSeq: 4, lastSeq: 6 });
    expect(await verifyExport(text, await host.app.audit.publicKeys())).toMatchObject({ ok: true, checkedFrom: 4, checkedTo: 6, checkpoints: 1 });
  });

  it('the nightly run records a break as audit.integrity_failed and starts later runs from the last good checkpoint', async () => {
    const good = newTenant();
    const bad = newTenant();
    await emit(good, 3);
    await emit(bad, 3);
    await host.app.audit.checkpoint(good);
    await host.app.audit.checkpoint(bad);
    const e = (await raw(bad).for({ seq: 2 }).read(entryId(2))) as unknown as ChainEntry;
    await raw(bad).replace({ ...e, action: 'user.removed' } as unknown as Item);
    await host.scheduler.trigger('auditVerifyNightly');
    await host.app.broker!.idle();
    const badChain = await entries(bad);
    const alert = badChain.find((x) => x.action === 'audit.integrity_failed');
    expect(alert?.payload.details).toMatchObject({ firstBrokenSeq: 2 });
    expect((await entries(good)).some((x) => x.action === 'audit.integrity_failed')).toBe(false);
    expect(await host.app.audit.repo.latestVerified(good)).toMatchObject({ seq: 3 });
    // The next incremental run of the good tenant starts after its verified checkpoint.
    await emit(good, 2);
    expect(await host.app.audit.verify(good, { incremental: true })).toEqual({ ok: true, checkedFrom: 4, checkedTo: 5, entries: 2, unsignedTail: 2 });
  });
});

describe('views', () => {
  it('shows customers a redacted view and platform operators the full one; redacted persons read [redacted]', async () => {
    const t = newTenant();
    const seal = (subjectId: string, field: string, value: string, recordId?: string, keyTenant = t) =>
      host.app.cipher.seal({ tenantId: keyTenant, subjectId, field, ...(recordId ? { recordId } : {}) }, value);
    const inviteId = randomUUID();
    await host.app.audit.record({
      id: inviteId,
      tenantId: t,
      actor: { type: 'user', id: 'ana', display: await seal('ana', AUDIT_SEAL_FIELDS.actorDisplay, 'Ana Admin') },
      action: 'user.invited',
      target: { type: 'user', id: 'bob', display: await seal('bob', AUDIT_SEAL_FIELDS.targetDisplay, 'Bob Guest', inviteId) },
      outcome: 'success',
      ip: await seal('ana', AUDIT_SEAL_FIELDS.ip, '203.0.113.7', inviteId),
      userAgent: await seal('ana', AUDIT_SEAL_FIELDS.userAgent, 'curl/8', inviteId),
    });
    // Platform staff's data keys live in the platform tenant's key ring.
    const opId = randomUUID();
    await host.app.audit.record({
      id: opId,
      tenantId: t,
      actor: { type: 'platform-operator', id: 'op-1', display: await seal('op-1', AUDIT_SEAL_FIELDS.actorDisplay, 'Olga Operator', opId, '_platform') },
      action: 'support.session_started',
      outcome: 'success',
      ip: await seal('op-1', AUDIT_SEAL_FIELDS.ip, '198.51.100.1', opId, '_platform'),
    });
    await host.app.broker!.idle();
    await host.app.keys.shred(t, 'bob');

    const customer = await host.app.audit.list(t, {}, { full: false, network: false }, { limit: 50 });
    expect(customer.items.map((i) => i.action)).toEqual(['support.session_started', 'user.invited']);
    const [op, invite] = customer.items;
    expect(op!.actor).toEqual({ type: 'platform-support', display: 'Platform support' });
    expect(op!.ip).toBeUndefined();
    expect(invite!.actor).toMatchObject({ id: 'ana', display: 'Ana Admin' });
    expect(invite!.target).toEqual({ type: 'user', id: 'bob', display: '[redacted]' });
    expect(invite!.ip).toBeUndefined();

    const network = await host.app.audit.list(t, {}, { full: false, network: true }, { limit: 50 });
    expect(network.items[1]).toMatchObject({ ip: '203.0.113.7', userAgent: 'curl/8' });
    expect(network.items[0]!.ip).toBeUndefined();

    const full = await host.app.audit.list(t, {}, { full: true, network: true }, { limit: 50 });
    expect(full.items[0]).toMatchObject({ actor: { type: 'platform-operator', id: 'op-1', display: 'Olga Operator' }, ip: '198.51.100.1' });

    const filtered = await host.app.audit.list(t, { action: 'user.invited', targetId: 'bob' }, { full: false, network: false }, { limit: 50 });
    expect(filtered.items).toHaveLength(1);
    expect((await host.app.audit.list(t, { actorId: 'op-1' }, { full: false, network: false }, { limit: 50 })).items).toHaveLength(0);
    // The chain is untouched by the redaction.
    expect((await host.app.audit.verify(t)).ok).toBe(true);
  });

  it('pages with the store continuation, without crossing tenants', async () => {
    const t = newTenant();
    await emit(t, 5);
    const first = await host.app.audit.list(t, {}, { full: true, network: true }, { limit: 2 });
    expect(first.items.map((i) => i.seq)).toEqual([5, 4]);
    expect(first.continuation).toBeDefined();
    const second = await host.app.audit.list(t, {}, { full: true, network: true }, { limit: 2, continuation: first.continuation! });
    expect(second.items.map((i) => i.seq)).toEqual([3, 2]);
  });
});

describe('HTTP', () => {
  it.each(['/api/v1/audit', '/api/v1/audit/verify', '/api/v1/audit/export'])('%s requires authentication', async (path) => {
    const res = await host.request('GET', path);
    expect(res.status).toBe(401);
  });

  it('gives every audit function a name of its own in the catalog (the Functions host requires it)', async () => {
    const { catalog } = await import('../../functions/catalog.js');
    const names = catalog.map((f) => f.name);
    const audit = names.filter((n) => n.startsWith('audit'));
    expect(audit.sort()).toEqual(['auditAppend', 'auditCheckpoint', 'auditExport', 'auditKeys', 'auditList', 'auditVerify', 'auditVerifyNightly']);
    expect(audit.filter((n) => names.indexOf(n) !== names.lastIndexOf(n))).toEqual([]);
  });

  it('documents the audit routes in the OpenAPI document', async () => {
    const res = await host.request('GET', '/api/v1/openapi.json');
    expect(Object.keys(res.json.paths)).toEqual(
      expect.arrayContaining(['/audit', '/audit/verify', '/audit/export', '/.well-known/audit-keys.json'].map((p) => expect.stringContaining(p))),
    );
  });
});
