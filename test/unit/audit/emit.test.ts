import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Principal } from '../../../shared/access/principal.js';
import { actorOf, auditEvent } from '../../../shared/audit/emit.js';
import { AUDIT_SEAL_FIELDS, type AuditEvent } from '../../../shared/audit/event.js';
import { FieldCipher, type Sealed } from '../../../shared/platform/crypto/field-cipher.js';
import { startTestStore, testKeyRing, type TestStore } from '../../support/store.js';

let t: TestStore;
let cipher: FieldCipher;

beforeAll(async () => {
  t = await startTestStore();
  cipher = new FieldCipher(testKeyRing(t.store).keys);
});
afterAll(async () => {
  await t.close();
});

function principal(kind: Principal['kind'], tenantId: string, userId: string, supportGrantId?: string): Principal {
  return { kind, tenantId, userId, sessionId: 's-1', amr: ['pwd'], authTime: 0, grants: new Map(), ...(supportGrantId ? { supportGrantId } : {}) };
}

const request = { ip: '203.0.113.9', userAgent: 'curl/8', correlationId: 'corr-1' };

describe('actorOf', () => {
  it('records the kind and id of the principal, and the grant whenever it carries one', () => {
    expect(actorOf(principal('user', 't-1', 'u-1'))).toEqual({ type: 'user', id: 'u-1' });
    expect(actorOf(principal('support-agent', 't-1', 'agent-1', 'grant-1'))).toEqual({ type: 'support-agent', id: 'agent-1', supportGrantId: 'grant-1' });
    expect(actorOf(principal('platform-operator', '_platform', 'op-1', 'grant-2'))).toEqual({ type: 'platform-operator', id: 'op-1', supportGrantId: 'grant-2' });
    expect(actorOf(principal('platform-operator', '_platform', 'op-1'))).toEqual({ type: 'platform-operator', id: 'op-1' });
  });
});

describe('auditEvent', () => {
  it('builds the outbox message of the event, in the wire format the audit queue carries', async () => {
    const message = await auditEvent(cipher, {
      tenantId: 't-1',
      actor: actorOf(principal('user', 't-1', 'u-1')),
      action: 'role.deleted',
      target: { type: 'role', id: 'r-1' },
      changes: { permissions: { before: ['users.read'] } },
      details: { n: 1 },
      ...request,
    });
    const body = message.body as unknown as AuditEvent;
    expect(Object.keys(body).sort()).toEqual(['action', 'actor', 'changes', 'correlationId', 'details', 'id', 'ip', 'occurredAt', 'outcome', 'target', 'tenantId', 'userAgent']);
    expect(body).toMatchObject({ tenantId: 't-1', actor: { type: 'user', id: 'u-1' }, action: 'role.deleted', outcome: 'success', correlationId: 'corr-1' });
    expect(message).toMatchObject({ queue: 'audit', messageId: body.id, sessionId: 't-1', subject: 'role.deleted', correlationId: 'corr-1' });
  });

  it("seals the client's IP and user agent under the actor's data key, in the tenant's key ring for a tenant user", async () => {
    const body = (await auditEvent(cipher, { tenantId: 't-1', actor: { type: 'user', id: 'u-1' }, action: 'auth.logged_out', ...request })).body as unknown as AuditEvent;
    const at = { tenantId: 't-1', subjectId: 'u-1', recordId: body.id };
    expect(await cipher.open({ ...at, field: AUDIT_SEAL_FIELDS.ip }, body.ip as Sealed)).toEqual({ redacted: false, value: request.ip });
    expect(await cipher.open({ ...at, field: AUDIT_SEAL_FIELDS.userAgent }, body.userAgent as Sealed)).toEqual({ redacted: false, value: request.userAgent });
  });

  it("seals a support agent's client details in the platform key ring, where the audit views open them", async () => {
    const body = (await auditEvent(cipher, { tenantId: 't-2', actor: actorOf(principal('support-agent', 't-2', 'agent-1', 'grant-1')), action: 'integration.updated', ...request }))
      .body as unknown as AuditEvent;
    expect(body.actor).toEqual({ type: 'support-agent', id: 'agent-1', supportGrantId: 'grant-1' });
    const field = AUDIT_SEAL_FIELDS.ip;
    expect(await cipher.open({ tenantId: '_platform', subjectId: 'agent-1', recordId: body.id, field }, body.ip as Sealed)).toEqual({ redacted: false, value: request.ip });
    // The tenant's ring holds no key of the agent: the value does not open there.
    const inTenantRing = await cipher.open({ tenantId: 't-2', subjectId: 'agent-1', recordId: body.id, field }, body.ip as Sealed).catch((err: unknown) => err);
    expect(inTenantRing).not.toEqual({ redacted: false, value: request.ip });
  });

  it('leaves client details out when no person acted, and records an unknown caller as the anonymous system', async () => {
    const anonymous = (await auditEvent(cipher, { tenantId: 't-1', action: 'auth.login_failed', outcome: 'failure', ...request })).body as unknown as AuditEvent;
    expect(anonymous.actor).toEqual({ type: 'system', id: 'anonymous' });
    expect(anonymous.outcome).toBe('failure');
    const system = (await auditEvent(cipher, { tenantId: 't-1', actor: { type: 'system', id: 'seed' }, action: 'property.created', ...request })).body as unknown as AuditEvent;
    for (const e of [anonymous, system]) {
      expect(e.ip).toBeUndefined();
      expect(e.userAgent).toBeUndefined();
    }
  });

  it('keeps a deterministic id, so a retried job emits the same event', async () => {
    const message = await auditEvent(cipher, { id: 'privacy.redaction_completed:job-1', tenantId: 't-1', actor: { type: 'system', id: 'privacy-redaction' }, action: 'privacy.redaction_completed' });
    expect(message.messageId).toBe('privacy.redaction_completed:job-1');
  });
});
