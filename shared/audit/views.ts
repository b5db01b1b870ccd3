import type { FieldCipher, Sealed } from '../platform/crypto/field-cipher.js';
import { DecryptionError } from '../platform/crypto/errors.js';
import type { ChainEntry } from './chain.js';
import type { AuditEvent } from './event.js';
import { actorKeyTenant, AUDIT_SEAL_FIELDS, auditChangeField, PLATFORM_ACTORS } from './event.js';
import { NameCache, type PersonNames } from './names.js';

/** Who is reading: the tenant's own people see the customer view; platform operators the full one. */
export interface Viewer {
  full: boolean;
  network: boolean;
}

export interface AuditViewEntry {
  seq: number;
  eventId: string;
  occurredAt: string;
  recordedAt: string;
  action: string;
  outcome: string;
  /** `display`: the person's name, opened at view time; "[redacted]" for a redacted person. */
  actor: { type: string; id?: string; display: string | null; supportGrantId?: string };
  target?: { type: string; id: string; display: string | null };
  changes?: Record<string, { before?: unknown; after?: unknown }>;
  details?: Record<string, string | number | boolean | null>;
  correlationId?: string;
  ip?: string | null;
  userAgent?: string | null;
  hash: string;
}

const PLATFORM_SUPPORT = 'Platform support';
export const REDACTED_TEXT = '[redacted]';

/**
 * Renders chain entries for a reader. The customer view hides platform internals (operators and
 * support agents appear as "Platform support", without ids, but with the tenant's grant they acted
 * under) and shows IPs and user agents only to holders of audit.read.network; sealed values of
 * redacted persons read "[redacted]". Display names of people (actors, and targets of type `user`)
 * are opened at view time from their profiles (PersonNames), once per person per rendering.
 */
export class AuditViewRenderer {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly names: PersonNames,
  ) {}

  /** A name cache for one request: pass it to every render() of that request. */
  nameCache(): NameCache {
    return new NameCache(this.names);
  }

  /** The names an entry shows a viewer (the audit export carries them beside the stored entry). */
  async displayNames(entry: ChainEntry, viewer: Viewer, names: NameCache): Promise<{ actor: string | null; target?: string | null }> {
    const e = entry.payload;
    const actor = !viewer.full && PLATFORM_ACTORS.has(e.actor.type) ? PLATFORM_SUPPORT : await this.actorDisplay(e, names);
    return { actor, ...(e.target ? { target: await this.targetDisplay(e, names) } : {}) };
  }

  /** A name sealed into the event by its producer, else the person's name from their profile. */
  private async actorDisplay(e: AuditEvent, names: NameCache): Promise<string | null> {
    if (e.actor.display) return this.open(e, 'actor', AUDIT_SEAL_FIELDS.actorDisplay, e.actor.display);
    return (await names.person(e.tenantId, e.actor.type, e.actor.id)) ?? null;
  }

  private async targetDisplay(e: AuditEvent, names: NameCache): Promise<string | null> {
    if (!e.target) return null;
    if (e.target.display) return this.open(e, 'target', AUDIT_SEAL_FIELDS.targetDisplay, e.target.display);
    return (await names.person(e.tenantId, e.target.type, e.target.id)) ?? null;
  }

  async render(entry: ChainEntry, viewer: Viewer, names: NameCache = this.nameCache()): Promise<AuditViewEntry> {
    const e = entry.payload;
    const hideActor = !viewer.full && PLATFORM_ACTORS.has(e.actor.type);
    const view: AuditViewEntry = {
      seq: entry.seq,
      eventId: e.id,
      occurredAt: e.occurredAt,
      recordedAt: entry.recordedAt,
      action: e.action,
      outcome: e.outcome,
      actor: hideActor
        ? { type: 'platform-support', display: PLATFORM_SUPPORT, ...(e.actor.supportGrantId ? { supportGrantId: e.actor.supportGrantId } : {}) }
        : {
            type: e.actor.type,
            id: e.actor.id,
            display: await this.actorDisplay(e, names),
            ...(e.actor.supportGrantId ? { supportGrantId: e.actor.supportGrantId } : {}),
          },
      hash: entry.hash,
    };
    if (e.target) view.target = { type: e.target.type, id: e.target.id, display: await this.targetDisplay(e, names) };
    if (e.changes) view.changes = await this.openChanges(e, e.changes);
    if (e.details) view.details = e.details;
    if (e.correlationId) view.correlationId = e.correlationId;
    if ((viewer.full || viewer.network) && !hideActor) {
      if (e.ip) view.ip = await this.open(e, 'actor', AUDIT_SEAL_FIELDS.ip, e.ip);
      if (e.userAgent) view.userAgent = await this.open(e, 'actor', AUDIT_SEAL_FIELDS.userAgent, e.userAgent);
    }
    return view;
  }

  /**
   * Opens a sealed value of an event. Values about platform staff are sealed in the platform
   * tenant's key ring, others in the event's tenant; with the event id as recordId (the convention
   * of auditSealContext) or, for older producers, without one.
   */
  private async open(e: AuditEvent, about: 'actor' | 'target', field: string, sealed: Sealed | undefined): Promise<string | null> {
    if (!sealed) return null;
    const keyTenant = about === 'actor' ? actorKeyTenant(e) : e.tenantId;
    for (const recordId of [e.id, undefined]) {
      try {
        const opened = await this.cipher.open({ tenantId: keyTenant, field, ...(recordId ? { recordId } : {}) }, sealed);
        return opened.redacted ? REDACTED_TEXT : opened.value;
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
      }
    }
    // A value that opens under no known context stays hidden, never shown raw.
    return REDACTED_TEXT;
  }

  /** Sealed values inside before/after (changed personal fields) are opened or shown as redacted. */
  private async openChanges(
    e: AuditEvent,
    changes: Record<string, { before?: unknown; after?: unknown }>,
  ): Promise<Record<string, { before?: unknown; after?: unknown }>> {
    const out: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const [key, change] of Object.entries(changes)) {
      const item: { before?: unknown; after?: unknown } = {};
      if ('before' in change) item.before = await this.openValue(e, key, change.before);
      if ('after' in change) item.after = await this.openValue(e, key, change.after);
      out[key] = item;
    }
    return out;
  }

  private async openValue(e: AuditEvent, key: string, value: unknown): Promise<unknown> {
    const v = value as Sealed | null;
    if (typeof v !== 'object' || v === null || v.v !== 1 || typeof v.s !== 'string' || typeof v.c !== 'string') return value;
    return this.open(e, 'target', auditChangeField(key), v);
  }
}
