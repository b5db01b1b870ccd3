import type { Item, Store } from '../cosmos/store.js';
import { isStoreError } from '../cosmos/errors.js';
import type { MessagePublisher, OutgoingMessage } from '../bus/types.js';
import type { ContainerName, QueueName } from '../topology.js';
import type { Log } from '../log.js';
import { errorMessage } from '../log.js';

/** A message waiting in an item until it is on the bus. */
export interface PendingMessage extends OutgoingMessage {
  queue: QueueName;
}

/** The fields that carry pending messages inside the changed item itself. */
export interface OutboxCarrier {
  pendingMessages?: StoredPending[];
  /** Seconds since epoch when messages first became pending: a scalar the relay's query can use an index for. */
  pendingSince?: number;
}

type StoredPending = Omit<PendingMessage, 'scheduledEnqueueTimeUtc'> & { scheduledEnqueueTimeUtc?: string };

export type WriteMode = 'create' | 'upsert' | 'replace';

/** Containers whose items may carry pending messages; the relay sweeps these. */
const OUTBOX_CONTAINERS: ContainerName[] = ['tenants', 'identity', 'outbox', 'imports', 'privacy', 'aggregates'];

function toStored(m: PendingMessage): StoredPending {
  const { scheduledEnqueueTimeUtc, ...rest } = m;
  return scheduledEnqueueTimeUtc ? { ...rest, scheduledEnqueueTimeUtc: scheduledEnqueueTimeUtc.toISOString() } : rest;
}

function fromStored(m: StoredPending): PendingMessage {
  const { scheduledEnqueueTimeUtc, ...rest } = m;
  return scheduledEnqueueTimeUtc ? { ...rest, scheduledEnqueueTimeUtc: new Date(scheduledEnqueueTimeUtc) } : rest;
}

/**
 * Transactional outbox. A state change and the messages it must emit are one item write: the
 * messages ride in the item's `pendingMessages` field (one write is atomic in Cosmos DB, and the embedded
 * server's batches are not). After the write they are published and the field is cleared; if the
 * process dies or the bus fails in between, the relay timer publishes them later. Consumers are
 * idempotent by messageId, and the bus drops duplicates, so publishing twice is harmless.
 */
export class Outbox {
  constructor(
    private readonly store: Store,
    private readonly bus: MessagePublisher,
    private readonly log: Log,
  ) {}

  /**
   * Writes `item` together with `messages`, then publishes them. Resolves once the change is
   * durable, even if the bus is down (the relay finishes the job); rejects only if the write failed.
   * Pending messages already in the item (from an earlier, not yet relayed write) are kept.
   */
  async commit<T extends Item & OutboxCarrier>(
    container: ContainerName,
    mode: WriteMode,
    item: T,
    messages: PendingMessage[],
    ifMatch?: string,
  ): Promise<T> {
    const collection = this.store.collection<T>(container, item.tenantId);
    const pending = [...(item.pendingMessages ?? []), ...messages.map(toStored)];
    const toWrite = { ...item } as T;
    delete toWrite._etag;
    if (pending.length > 0) {
      toWrite.pendingMessages = pending;
      toWrite.pendingSince = item.pendingSince ?? Math.floor(Date.now() / 1000);
    } else {
      delete toWrite.pendingMessages;
      delete toWrite.pendingSince;
    }
    const written =
      mode === 'create'
        ? await collection.create(toWrite)
        : mode === 'upsert'
          ? await collection.upsert(toWrite)
          : await collection.replace(toWrite, ifMatch);
    if (pending.length === 0) return written;
    const cleared = await this.flush(container, written);
    return cleared ?? written;
  }

  /**
   * Creates `item` with `messages` in the container's group commit (one bulk request for every
   * create asked for in the same turn), then publishes them, and leaves them recorded in the item:
   * the item's next write through `commit` carries them forward and clears them once published
   * (or the relay does, after its minimum age). For a hot path whose item is always written again
   * (an import record is, when its outcome is recorded), this saves the clean-up write; publishing
   * them twice is harmless, as with the relay. Resolves 'exists' (nothing published) when the id or
   * a unique key is taken; rejects only if the write failed.
   */
  async createGrouped<T extends Item & OutboxCarrier>(container: ContainerName, item: T, messages: PendingMessage[]): Promise<'created' | 'exists'> {
    const toWrite = { ...item, pendingMessages: messages.map(toStored), pendingSince: Math.floor(Date.now() / 1000) } as T;
    delete toWrite._etag;
    const outcome = await this.store.collection<T>(container, item.tenantId).createGrouped(toWrite);
    if (outcome === 'exists') return outcome;
    try {
      await this.publishAll(messages);
    } catch (err) {
      this.log.warn('outbox publish failed; the relay will retry', { container, itemId: item.id, error: errorMessage(err) });
    }
    return outcome;
  }

  /** Emits messages that belong to no item change (a failed login, a report viewed). */
  async emit(tenantId: string, messages: PendingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const first = messages[0] as PendingMessage;
    await this.commit('outbox', 'upsert', { id: `outbox:${first.messageId}`, tenantId, type: 'outbox' }, messages);
  }

  /** Publishes an item's pending messages and clears them; returns the cleared item, or undefined if left for the relay. */
  private async flush<T extends Item & OutboxCarrier>(container: ContainerName, item: T): Promise<T | undefined> {
    const pending = (item.pendingMessages ?? []).map(fromStored);
    try {
      await this.publishAll(pending);
    } catch (err) {
      this.log.warn('outbox publish failed; the relay will retry', { container, itemId: item.id, error: errorMessage(err) });
      return undefined;
    }
    const collection = this.store.collection<T>(container, item.tenantId).for(item);
    try {
      if (container === 'outbox') {
        await collection.delete(item.id);
        return item;
      }
      // Clear only if nobody wrote the item since: a newer write may carry newer messages.
      const cleared = await collection.patch<T>(item.id, [
        { op: 'remove', path: '/pendingMessages' },
        { op: 'remove', path: '/pendingSince' },
      ], item._etag);
      return cleared;
    } catch (err) {
      if (!isStoreError(err, 'precondition_failed') && !isStoreError(err, 'not_found')) {
        this.log.warn('outbox clear failed; the relay will retry', { container, itemId: item.id, error: errorMessage(err) });
      }
      return undefined;
    }
  }

  private async publishAll(messages: PendingMessage[]): Promise<void> {
    const byQueue = new Map<QueueName, PendingMessage[]>();
    for (const m of messages) byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), m]);
    for (const [queue, list] of byQueue) {
      await this.bus.publish(
        queue,
        list.map(({ queue: _q, ...m }) => m),
      );
    }
  }

  /**
   * Publishes messages left behind by crashed or failed writes. Only items older than
   * `minAgeSeconds` are taken, so the relay does not race a commit that is about to flush.
   */
  async relay(minAgeSeconds: number, maxPerContainer = 200): Promise<number> {
    const cutoff = Math.floor(Date.now() / 1000) - minAgeSeconds;
    let relayed = 0;
    for (const container of OUTBOX_CONTAINERS) {
      const items = await this.store.scan<Item & OutboxCarrier>(
        container,
        'SELECT * FROM c WHERE IS_DEFINED(c.pendingSince) AND c.pendingSince <= @cutoff',
        { cutoff },
        maxPerContainer,
      );
      for (const item of items) {
        if (!item.pendingMessages || item.pendingMessages.length === 0) continue;
        const done = await this.flush(container, item);
        if (done) relayed += item.pendingMessages.length;
      }
    }
    if (relayed > 0) this.log.info('outbox relay published pending messages', { relayed });
    return relayed;
  }
}
