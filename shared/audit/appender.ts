import type { Log } from '../platform/log.js';
import type { AuditEvent } from './event.js';
import { buildEntry } from './chain.js';
import { markerId, type AuditRepository, type Head, type EventMarker } from './repository.js';

const MAX_ATTEMPTS = 50;

/**
 * Appends delivered events to their tenant's chain.
 *
 * The `audit` queue delivers a tenant's events one at a time (session = tenant), so the consumer
 * holding the session is normally the only writer; it keeps the head in memory. The store is still
 * the arbiter: an entry's id derives from its seq, so if another instance appended meanwhile, the
 * create fails with 409, the head is re-read and the append retried on it — the chain can't fork.
 *
 * Idempotency by event id: the `evt:<eventId>` marker is looked up first; it is written after the
 * entry, so a crash between the two leaves the entry at the head without a marker — a redelivery
 * recognises its own event there and only writes the missing marker.
 */
export class AuditAppender {
  private readonly heads = new Map<string, Head>();

  constructor(
    private readonly repo: AuditRepository,
    private readonly log: Log,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(event: AuditEvent): Promise<'appended' | 'duplicate'> {
    const tenantId = event.tenantId;
    if (await this.repo.marker(tenantId, event.id)) return 'duplicate';
    let head = this.heads.get(tenantId) ?? (await this.repo.head(tenantId));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (head.eventId === event.id) {
        await this.writeMarker(tenantId, event.id, head.seq);
        this.heads.set(tenantId, head);
        return 'duplicate';
      }
      const entry = buildEntry(event, head, this.now());
      let outcome: 'created' | 'exists';
      try {
        outcome = await this.repo.create(entry);
      } catch (err) {
        // The create may have landed before the failure: forget the cached head, so the retry
        // re-reads it and recognises its own entry.
        this.heads.delete(tenantId);
        throw err;
      }
      if (outcome === 'created') {
        const next: Head = { seq: entry.seq, hash: entry.hash, eventId: event.id, recordedAt: entry.recordedAt };
        this.heads.set(tenantId, next);
        await this.writeMarker(tenantId, event.id, entry.seq);
        return 'appended';
      }
      this.log.info('audit head moved under us; re-reading it', { tenantId, seq: entry.seq, attempt });
      head = await this.repo.head(tenantId, head);
      this.heads.set(tenantId, head);
    }
    throw new Error(`could not append to the audit chain of ${tenantId} after ${MAX_ATTEMPTS} attempts`);
  }

  private async writeMarker(tenantId: string, eventId: string, seq: number): Promise<void> {
    const marker: EventMarker = { id: markerId(eventId), tenantId, type: 'auditEventMarker', eventId, seq };
    await this.repo.create(marker);
  }
}
