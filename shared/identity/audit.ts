import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { auditMessage, type ActorType, type AuditTarget, type NewAuditEvent } from '../audit/event.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';

export interface EventActor {
  type: ActorType;
  id: string;
  /** The tenant whose key ring holds the actor's data key (platform operators: `_platform`). */
  keyTenantId: string;
  /** Set when a platform support agent acts under a customer-approved grant. */
  supportGrantId?: string;
}

export function actorOf(principal: Principal): EventActor {
  if (principal.kind === 'support-agent') {
    // A support agent is a platform user: their data key lives in the platform tenant's key ring.
    return { type: 'support-agent', id: principal.userId, keyTenantId: '_platform', ...(principal.supportGrantId ? { supportGrantId: principal.supportGrantId } : {}) };
  }
  // An operator reading a tenant's personal data does so under a grant (shared/access/tenant-data.ts): the event names it.
  return { type: principal.kind === 'platform-operator' ? 'platform-operator' : 'user', id: principal.userId, keyTenantId: principal.tenantId, ...(principal.supportGrantId ? { supportGrantId: principal.supportGrantId } : {}) };
}

export interface IdentityEventInit {
  tenantId: string;
  actor?: EventActor;
  action: string;
  target?: AuditTarget;
  outcome?: NewAuditEvent['outcome'];
  details?: NewAuditEvent['details'];
  changes?: NewAuditEvent['changes'];
  ip?: string;
  userAgent?: string;
  correlationId?: string;
}

/**
 * Builds the audit message of an identity event. The caller's IP address and user agent are sealed
 * under the actor's data key (redacting the actor hides them); without a known actor they are left out.
 */
export async function identityEvent(platform: Platform, init: IdentityEventInit): Promise<PendingMessage> {
  const id = randomUUID();
  const event: NewAuditEvent = {
    id,
    tenantId: init.tenantId,
    actor: init.actor
      ? { type: init.actor.type, id: init.actor.id, ...(init.actor.supportGrantId ? { supportGrantId: init.actor.supportGrantId } : {}) }
      : { type: 'system', id: 'anonymous' },
    action: init.action,
    outcome: init.outcome ?? 'success',
  };
  if (init.target) event.target = init.target;
  if (init.details) event.details = init.details;
  if (init.changes) event.changes = init.changes;
  if (init.correlationId) event.correlationId = init.correlationId;
  if (init.actor && init.actor.type !== 'system') {
    const ctx = { tenantId: init.actor.keyTenantId, subjectId: init.actor.id, recordId: id };
    if (init.ip) event.ip = await platform.cipher.seal({ ...ctx, field: 'audit.ip' }, init.ip);
    if (init.userAgent) event.userAgent = await platform.cipher.seal({ ...ctx, field: 'audit.userAgent' }, init.userAgent);
  }
  return auditMessage(event);
}

/** Request details every audited call passes along. */
export interface RequestMeta {
  ip?: string;
  userAgent?: string;
  correlationId?: string;
}
