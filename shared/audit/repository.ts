import type { Store, TenantCollection, Item, Page } from '../platform/cosmos/store.js';
import { entryId, GENESIS_HASH, type ChainEntry, type StoredCheckpoint } from './chain.js';
import { epochScope } from '../platform/cosmos/partition.js';

/**
 * The unique key /eventId holds within one logical partition, i.e. one epoch of the chain. A
 * redelivered event whose first append landed in the previous epoch would not meet it, so appends
 * within this many entries of an epoch's start also look for the event in the previous epoch. A
 * redelivery comes within the bus's duplicate window or an outbox relay's retry — minutes, far fewer
 * events than this for any tenant.
 */
export const EPOCH_OVERLAP = 4096;

/** Note left by a successful nightly verification: the checkpoint the next run may start from. */
export interface VerifiedMarker extends Item {
  type: 'auditVerified';
  /** The container's unique key (/eventId) counts a missing value as null, allowed once: the id fills it. */
  eventId: string;
  seq: number;
  at: string;
}

export type AuditItem = ChainEntry | StoredCheckpoint | VerifiedMarker;

export interface Head {
  seq: number;
  hash: string;
  eventId?: string;
  recordedAt?: string;
}

const EMPTY_HEAD: Head = { seq: 0, hash: GENESIS_HASH };

/**
 * Reads of the `audit` container. Writes are creates only: the container's data-plane role grants
 * create and read, so nothing here (or anywhere) replaces or deletes an entry. A create answers
 * 'exists' when the id is taken or when the tenant already stores the item's `eventId` (the
 * container's unique key). Every query also
 * names the tenant, on top of the partition scope, so a chain can never be mixed with another.
 */
export class AuditRepository {
  constructor(private readonly store: Store) {}

  collection(tenantId: string): TenantCollection<AuditItem> {
    return this.store.collection<AuditItem>('audit', tenantId);
  }

  /** Through the container's group commit: the appends of all tenant sessions in flight share a request. */
  create<T extends AuditItem>(item: T): Promise<'created' | 'exists'> {
    return this.collection(item.tenantId).createGrouped(item);
  }

  async entry(tenantId: string, seq: number): Promise<ChainEntry | undefined> {
    return this.collection(tenantId).for({ seq }).read<ChainEntry>(entryId(seq));
  }

  /**
   * Whether an append at `seq` must also check the previous epoch for its event (EPOCH_OVERLAP), and
   * if so whether the event is there: one query in one partition.
   */
  async inPreviousEpoch(tenantId: string, seq: number, eventId: string): Promise<boolean> {
    const size = this.store.partitioner('audit').epochSize;
    const offset = seq % size;
    if (seq < size || offset >= EPOCH_OVERLAP) return false;
    const previous = this.collection(tenantId).scoped(epochScope(seq - offset - 1, size));
    const found = await previous.all<{ seq: number }>('SELECT TOP 1 c.seq FROM c WHERE c.eventId = @eventId', { eventId });
    return found.length > 0;
  }

  /**
   * The last entry, found by point reads alone (exponential probe, then binary search over entry
   * ids): the chain is gapless, so the head is the largest seq whose entry exists. Starting from a
   * known seq makes the usual case (a few entries appended elsewhere) a handful of reads.
   */
  async head(tenantId: string, from: Head = EMPTY_HEAD): Promise<Head> {
    let lo = from.seq;
    let loEntry: ChainEntry | undefined = lo > 0 ? await this.entry(tenantId, lo) : undefined;
    if (lo > 0 && !loEntry) {
      lo = 0;
      loEntry = undefined;
    }
    let step = 1;
    let hi: number | undefined;
    for (;;) {
      const probe = await this.entry(tenantId, lo + step);
      if (!probe) {
        hi = lo + step;
        break;
      }
      lo += step;
      loEntry = probe;
      step *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const probe = await this.entry(tenantId, mid);
      if (probe) {
        lo = mid;
        loEntry = probe;
      } else hi = mid;
    }
    if (!loEntry) return EMPTY_HEAD;
    return { seq: loEntry.seq, hash: loEntry.hash, eventId: loEntry.eventId, recordedAt: loEntry.recordedAt };
  }

  /** Entries from `fromSeq` on, in seq order, one page at a time. */
  async entriesPage(tenantId: string, fromSeq: number, continuation?: string, pageSize = 1000): Promise<Page<ChainEntry>> {
    return this.collection(tenantId).page<ChainEntry>(
      "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.type = 'auditEntry' AND c.seq >= @fromSeq ORDER BY c.seq",
      { tenantId, fromSeq },
      { pageSize, ...(continuation ? { continuation } : {}) },
    );
  }

  async checkpoints(tenantId: string): Promise<StoredCheckpoint[]> {
    const list = await this.collection(tenantId).all<StoredCheckpoint>(
      "SELECT * FROM c WHERE c.tenantId = @tenantId AND c.type = 'auditCheckpoint'",
      { tenantId },
    );
    return list.sort((a, b) => a.seq - b.seq);
  }

  async latestCheckpoint(tenantId: string): Promise<StoredCheckpoint | undefined> {
    const [cp] = await this.collection(tenantId).all<StoredCheckpoint>(
      "SELECT TOP 1 * FROM c WHERE c.tenantId = @tenantId AND c.type = 'auditCheckpoint' ORDER BY c.seq DESC",
      { tenantId },
    );
    return cp;
  }

  async latestVerified(tenantId: string): Promise<VerifiedMarker | undefined> {
    const [v] = await this.collection(tenantId).all<VerifiedMarker>(
      "SELECT TOP 1 * FROM c WHERE c.tenantId = @tenantId AND c.type = 'auditVerified' ORDER BY c.seq DESC",
      { tenantId },
    );
    return v;
  }

  /** Every tenant that has a chain (its entry 1), in pages by tenant id; platform jobs only. */
  async *tenants(pageSize = 500): AsyncGenerator<string> {
    let after = '';
    for (;;) {
      const rows = await this.store.scan<{ tenantId: string }>(
        'audit',
        "SELECT c.tenantId FROM c WHERE c.type = 'auditEntry' AND c.seq = 1 AND c.tenantId > @after ORDER BY c.tenantId",
        { after },
        pageSize,
      );
      const ids = rows.map((r) => r.tenantId).sort();
      for (const id of ids) yield id;
      if (ids.length < pageSize) return;
      after = ids.at(-1) as string;
    }
  }
}
