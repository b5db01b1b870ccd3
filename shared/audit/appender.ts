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
 * Idempotency by event id, two creates on the usual path: the `evt:<eventId>` marker is created
 * FIRST and its 409 is the duplicate check (no read). Only a 409 (a redelivery) looks for the
 * event's entry; none means the earlier attempt died between marker and entry, and the entry is
 * appended now. Every entry create that could race with another attempt of the same event is
 * preceded by "head, then look for the event's entry" (docs/audit.md, "Idempotency"), so two
 * attempts can't both append it.
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
    // The head is known before the marker exists, so none of its entries can be this event's —
    // except one written by the earlier entry-then-marker order that died before its marker.
    const head = this.heads.get(tenantId) ?? (await this.repo.head(tenantId));
    this.heads.set(tenantId, head);
    if (head.eventId === event.id) {
      await this.repo.create(this.marker(event));
      return 'duplicate';
    }
    if ((await this.repo.create(this.marker(event))) === 'exists') {
      if ((await this.repo.entrySeqOf(tenantId, event.id)) !== undefined) return 'duplicate';
      this.log.warn('audit event marker without its entry (an earlier attempt stopped in between); appending the entry', {
        tenantId,
        eventId: event.id,
      });
    }
    return this.appendEntry(event, head);
  }

  /** Creates the event's entry on `head`; on 409 re-reads the head and checks the event is still absent. */
  private async appendEntry(event: AuditEvent, start: Head): Promise<'appended' | 'duplicate'> {
    const tenantId = event.tenantId;
    let head = start;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const entry = buildEntry(event, head, this.now());
      let outcome: 'created' | 'exists';
      try {
        outcome = await this.repo.create(entry);
      } catch (err) {
        // The create may have landed before the failure: forget the cached head; the redelivery's
        // marker 409 then finds the entry.
        this.heads.delete(tenantId);
        throw err;
      }
      if (outcome === 'created') {
        this.heads.set(tenantId, { seq: entry.seq, hash: entry.hash, eventId: event.id, recordedAt: entry.recordedAt });
        return 'appended';
      }
      this.log.info('audit head moved under us; re-reading it', { tenantId, seq: entry.seq, attempt });
      // Head first, then the event: every entry up to the re-read head existed before the look-up,
      // so if the event is not among them, creating head + 1 can't duplicate it.
      head = await this.repo.head(tenantId, head);
      this.heads.set(tenantId, head);
      if (head.eventId === event.id || (await this.repo.entrySeqOf(tenantId, event.id)) !== undefined) return 'duplicate';
    }
    throw new Error(`could not append to the audit chain of ${tenantId} after ${MAX_ATTEMPTS} attempts`);
  }

  private marker(event: AuditEvent): EventMarker {
    return { id: markerId(event.id), tenantId: event.tenantId, type: 'auditEventMarker', eventId: event.id };
  }
}
