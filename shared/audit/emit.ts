import { randomUUID } from 'node:crypto';
import type { Principal } from '../access/principal.js';
import type { FieldCipher } from '../platform/crypto/field-cipher.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';
import { actorKeyTenant, auditMessage, AUDIT_SEAL_FIELDS, type ActorType, type AuditTarget, type NewAuditEvent } from './event.js';

/** Request details every audited call passes along (HTTP routes build it from the call). */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  correlationId?: string;
}

/** The request details of an HTTP call, picked from the call (the route layer read them from the request). */
export function metaOf(call: { ip: string; userAgent: string; correlationId: string }): RequestMeta & { ip: string } {
  return { ip: call.ip, userAgent: call.userAgent, correlationId: call.correlationId };
}

/** Who acted, as an event records it. */
export interface EventActor {
  type: ActorType;
  id: string;
  /** The support grant a support agent, or a platform operator reading personal data, acted under. */
  supportGrantId?: string;
}

/**
 * The actor of a verified principal. A grant the principal carries is always named: without it a
 * support agent's action would not say which customer approval allowed it.
 */
export function actorOf(principal: Principal): EventActor {
  return { type: principal.kind, id: principal.userId, ...(principal.supportGrantId ? { supportGrantId: principal.supportGrantId } : {}) };
}

export interface AuditEventInit extends RequestMeta {
  /** A deterministic id, for events a retried job may emit twice (the chain appends an id once); random by default. */
  id?: string;
  tenantId: string;
  /** Absent for callers nobody could identify (a failed login): recorded as the anonymous system actor. */
  actor?: EventActor | undefined;
  action: string;
  target?: AuditTarget;
  outcome?: NewAuditEvent['outcome'];
  details?: NewAuditEvent['details'];
  changes?: NewAuditEvent['changes'];
}

/**
 * Builds the audit event of one action as the outbox message that commits it (with the state change
 * it describes, or alone through `AuditLog.record`). The caller's IP address and user agent are
 * personal data of the actor: they are sealed under the actor's data key, in the key ring the audit
 * views open them from, so redacting the actor hides them. Without a person to seal them for (no
 * actor, or the system) they are left out.
 *
 * @example
 * const event = await auditEvent(platform.cipher, { tenantId, actor: actorOf(principal), action: 'role.deleted', target: { type: 'role', id }, ...meta });
 * await platform.outbox.commit('identity', 'delete', item, [event]);
 */
export async function auditEvent(cipher: Pick<FieldCipher, 'seal'>, init: AuditEventInit): Promise<PendingMessage> {
  const id = init.id ?? randomUUID();
  const actor: EventActor = init.actor
    ? { type: init.actor.type, id: init.actor.id, ...(init.actor.supportGrantId ? { supportGrantId: init.actor.supportGrantId } : {}) }
    : { type: 'system', id: 'anonymous' };
  const event: NewAuditEvent = { id, tenantId: init.tenantId, actor, action: init.action, outcome: init.outcome ?? 'success' };
  if (init.target) event.target = init.target;
  if (init.details) event.details = init.details;
  if (init.changes) event.changes = init.changes;
  if (init.correlationId) event.correlationId = init.correlationId;
  if (init.actor && actor.type !== 'system') {
    const subject = { tenantId: actorKeyTenant({ tenantId: init.tenantId, actor }), subjectId: actor.id, recordId: id };
    if (init.ip) event.ip = await cipher.seal({ ...subject, field: AUDIT_SEAL_FIELDS.ip }, init.ip);
    if (init.userAgent) event.userAgent = await cipher.seal({ ...subject, field: AUDIT_SEAL_FIELDS.userAgent }, init.userAgent);
  }
  return auditMessage(event);
}
