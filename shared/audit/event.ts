import { randomUUID } from 'node:crypto';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';
import { PLATFORM_TENANT } from '../platform/topology.js';

export type ActorType = 'user' | 'platform-operator' | 'support-agent' | 'integration' | 'system';

interface AuditActor {
  type: ActorType;
  id: string;
  /** Display name, sealed under the actor's own data key (so redacting the actor hides it). */
  display?: Sealed;
  /** Support grant under which a support agent acted. */
  supportGrantId?: string;
}

export interface AuditTarget {
  type: string;
  id: string;
  display?: Sealed;
}

/**
 * One audit event as it travels on the `audit` queue (sessionId = tenantId). Personal data inside
 * it is sealed under the data key of the person it describes.
 */
export interface AuditEvent {
  id: string;
  tenantId: string;
  occurredAt: string;
  actor: AuditActor;
  action: string;
  target?: AuditTarget;
  outcome: 'success' | 'failure' | 'denied';
  /** Before/after values for settings and roles; personal values inside are sealed. */
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  /** Sealed under the actor's key. */
  ip?: Sealed;
  userAgent?: Sealed;
  correlationId?: string;
  /** Free-form, non-personal details (counts, reasons). */
  details?: Record<string, string | number | boolean | null>;
}

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'occurredAt'> & { id?: string; occurredAt?: string };

/** Completes an event and wraps it as an outbox message for the audit queue. */
export function auditMessage(event: NewAuditEvent): PendingMessage {
  const full: AuditEvent = { ...event, id: event.id ?? randomUUID(), occurredAt: event.occurredAt ?? new Date().toISOString() };
  const message: PendingMessage = {
    queue: 'audit',
    messageId: full.id,
    sessionId: full.tenantId,
    subject: full.action,
    body: JSON.parse(JSON.stringify(full)),
  };
  if (full.correlationId) message.correlationId = full.correlationId;
  return message;
}

/**
 * Field names under which personal values of an event are sealed, so the audit views can open
 * them: `cipher.seal({ tenantId, subjectId, field, recordId: event.id })`, where tenantId is the key
 * ring of the person described — the event's tenant, or `_platform` for platform operators and
 * support agents (their data keys live there).
 */
export const AUDIT_SEAL_FIELDS = {
  actorDisplay: 'audit.actor.display',
  targetDisplay: 'audit.target.display',
  ip: 'audit.ip',
  userAgent: 'audit.userAgent',
} as const;

/** Actors whose data keys live in the platform tenant's key ring, whatever tenant the event belongs to. */
export const PLATFORM_ACTORS: ReadonlySet<ActorType> = new Set<ActorType>(['platform-operator', 'support-agent']);

/** The key ring that holds the actor's data key: platform staff live in the platform tenant. */
export function actorKeyTenant(e: Pick<AuditEvent, 'tenantId' | 'actor'>): string {
  return PLATFORM_ACTORS.has(e.actor.type) ? PLATFORM_TENANT : e.tenantId;
}

/** Field name for a sealed personal value inside `changes[key].before/after`. */
export const auditChangeField = (key: string): string => `audit.changes.${key}`;
