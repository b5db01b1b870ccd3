import type { Log } from '../platform/log.js';
import type { AuditEvent } from './event.js';
import { buildEntry } from './chain.js';
import type { AuditRepository, Head } from './repository.js';

const MAX_ATTEMPTS = 50;

/**
 * Appends delivered events to their tenant's chain, one store call per event on the usual path.
 *
 * The `audit` queue delivers a tenant's events one at a time (session = tenant), so the consumer
 * holding the session is normally the only writer; it keeps the head in memory. The store is the
 * arbiter of both guarantees, with one create of `entry:<head+1>`:
 * - no fork: the entry's id derives from its seq, so a second entry at the same seq is a 409;
 * - no duplicate: the `audit` container's unique key /eventId refuses a second item with the same
 *   event id in the partition (409 too), whenever the duplicate arrives — a redelivery, an outbox
 *   relay after the bus's duplicate window, a stalled attempt waking up. The partition is an epoch of
 *   the chain (topology.ts); near an epoch's start the previous epoch is asked too (EPOCH_OVERLAP).
 * A 409 is told apart by reading the entry at that seq (docs/audit.md, "Idempotency").
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
    let head = this.heads.get(tenantId) ?? (await this.repo.head(tenantId));
    this.heads.set(tenantId, head);
    if (head.eventId === event.id) return 'duplicate';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const entry = buildEntry(event, head, this.now());
      if (await this.repo.inPreviousEpoch(tenantId, entry.seq, event.id)) return 'duplicate';
      let outcome: 'created' | 'exists';
      try {
        outcome = await this.repo.create(entry);
      } catch (err) {
        // The create may have landed before the failure: forget the cached head; the redelivery's
        // create then meets the unique key.
        this.heads.delete(tenantId);
        throw err;
      }
      if (outcome === 'created') {
        this.heads.set(tenantId, { seq: entry.seq, hash: entry.hash, eventId: event.id, recordedAt: entry.recordedAt });
        return 'appended';
      }
      // Entries are never deleted, so no entry at this seq means the 409 came from the unique key:
      // the event is already in the chain.
      const taken = await this.repo.entry(tenantId, entry.seq);
      if (!taken) return 'duplicate';
      if (taken.eventId === event.id) {
        // Another attempt of this event appended it meanwhile; the cached head is behind.
        this.heads.delete(tenantId);
        return 'duplicate';
      }
      this.log.info('audit head moved under us; re-reading it', { tenantId, seq: entry.seq, attempt });
      head = await this.repo.head(tenantId, { seq: taken.seq, hash: taken.hash, eventId: taken.eventId, recordedAt: taken.recordedAt });
      this.heads.set(tenantId, head);
      if (head.eventId === event.id) return 'duplicate';
    }
    throw new Error(`could not append to the audit chain of ${tenantId} after ${MAX_ATTEMPTS} attempts`);
  }
}
