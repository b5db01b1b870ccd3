import type { Platform } from '../app.js';
import { auditMessage, type AuditEvent, type NewAuditEvent } from './event.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import type { Item } from '../platform/cosmos/store.js';

interface StoredEvent extends Item {
  type: 'auditEvent';
  event: AuditEvent;
}

/**
 * The audit log: emission goes through the outbox (the only way an event is produced), consumption
 * appends what arrives on the `audit` queue, idempotently by event id.
 */
export class AuditLog {
  constructor(private readonly platform: Platform) {}

  /** Emits an event that belongs to no other state change (it rides in an outbox record). */
  async record(event: NewAuditEvent): Promise<void> {
    await this.platform.outbox.emit(event.tenantId, [auditMessage(event)]);
  }

  /** Appends a delivered event. A redelivery of the same event id is a no-op. */
  async append(event: AuditEvent): Promise<'appended' | 'duplicate'> {
    const collection = this.platform.store.collection<StoredEvent>('audit', event.tenantId);
    try {
      await collection.create({ id: `evt:${event.id}`, tenantId: event.tenantId, type: 'auditEvent', event });
      return 'appended';
    } catch (err) {
      if (isStoreError(err, 'conflict')) return 'duplicate';
      throw err;
    }
  }

  async list(tenantId: string): Promise<AuditEvent[]> {
    const items = await this.platform.store
      .collection<StoredEvent>('audit', tenantId)
      .all<StoredEvent>("SELECT * FROM c WHERE c.type = 'auditEvent'");
    return items.map((i) => i.event).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  }
}

export function createAuditLog(platform: Platform): AuditLog {
  return new AuditLog(platform);
}
