import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Outbox, type PendingMessage } from '../../../shared/platform/outbox/outbox.js';
import { LocalBroker } from '../../../shared/platform/local/broker.js';
import type { MessagePublisher, OutgoingMessage } from '../../../shared/platform/bus/types.js';
import type { QueueName } from '../../../shared/platform/topology.js';
import { isStoreError, StoreError } from '../../../shared/platform/cosmos/errors.js';
import { processLog } from '../../../shared/platform/log.js';
import { startTestStore, type TestStore } from '../../support/store.js';
import type { Item } from '../../../shared/platform/cosmos/store.js';

let t: TestStore;
beforeAll(async () => {
  t = await startTestStore();
});
afterAll(async () => {
  await t.close();
});

/** A bus that can be switched off, in front of the real in-process broker. */
class FlakyBus implements MessagePublisher {
  down = false;
  constructor(readonly broker: LocalBroker) {}
  async publish(queue: QueueName, messages: OutgoingMessage[]): Promise<void> {
    if (this.down) throw new Error('bus unavailable');
    await this.broker.publish(queue, messages);
  }
  ready = async () => !this.down;
  close = async () => this.broker.close();
}

interface Doc {
  id: string;
  tenantId: string;
  type: string;
  propertyId?: string;
  name: string;
  _etag?: string;
}

function setup(tenantId: string) {
  const broker = new LocalBroker({ maxDeliveryCount: 10, retryDelayMs: 1, duplicateWindowMs: 600_000, maxConcurrentCalls: 4, maxConcurrentSessions: 4 });
  const bus = new FlakyBus(broker);
  const outbox = new Outbox(t.store, bus, processLog('error'));
  const deliveries: string[] = [];
  // An idempotent consumer, as every consumer must be: the event id is the key of its side effect.
  broker.subscribe('audit', async (m) => {
    deliveries.push(m.metadata.messageId);
    try {
      // eventId: the audit container's unique key (shared/platform/topology.ts) is the effect's idempotency key too.
      await t.store.collection('audit', tenantId).create({ id: `effect:${m.metadata.messageId}`, tenantId, type: 'effect', eventId: m.metadata.messageId, seq: 0 } as Item);
    } catch (err) {
      if (!isStoreError(err, 'conflict')) throw err;
    }
  });
  const effects = async () =>
    (await t.store.collection('audit', tenantId).all<{ id: string }>("SELECT c.id FROM c WHERE c.type = 'effect'")).map((e) => e.id).sort();
  return { broker, bus, outbox, deliveries, effects };
}

const event = (tenantId: string, id: string): PendingMessage => ({ queue: 'audit', messageId: id, sessionId: tenantId, body: { id } });

describe('outbox', () => {
  it('publishes right after commit and clears the pending messages', async () => {
    const { broker, outbox, effects } = setup('t-ok');
    const saved = await outbox.commit<Doc>('tenants', 'create', { id: 'p1', tenantId: 't-ok', type: 'property', name: 'A' }, [event('t-ok', 'e-ok')]);
    await broker.idle();
    expect(await effects()).toEqual(['effect:e-ok']);
    const stored = await t.store.collection('tenants', 't-ok').read<Doc & { pendingMessages?: unknown }>('p1');
    expect(stored?.pendingMessages).toBeUndefined();
    expect(saved.name).toBe('A');
  });

  it('never loses an event when the bus fails during a change, and delivers it once in effect after recovery', async () => {
    const { broker, bus, outbox, deliveries, effects } = setup('t-flaky');
    bus.down = true;
    // The change is acknowledged even though the bus is down...
    await outbox.commit<Doc>('tenants', 'create', { id: 'p1', tenantId: 't-flaky', type: 'property', name: 'A' }, [event('t-flaky', 'e1')]);
    // ...and a later change of the same item keeps the first, still unpublished, event.
    const current = await t.store.collection('tenants', 't-flaky').read<Doc>('p1');
    await outbox.commit<Doc>('tenants', 'replace', { ...(current as Doc), name: 'B' }, [event('t-flaky', 'e2')], current?._etag);
    await broker.idle();
    expect(deliveries).toEqual([]);
    const pending = await t.store.collection('tenants', 't-flaky').read<Doc & { pendingMessages?: Array<{ messageId: string }> }>('p1');
    expect(pending?.name).toBe('B');
    expect(pending?.pendingMessages?.map((m) => m.messageId)).toEqual(['e1', 'e2']);

    bus.down = false;
    expect(await outbox.relay(0)).toBe(2);
    await broker.idle();
    expect(await effects()).toEqual(['effect:e1', 'effect:e2']);
    // A second relay finds nothing left.
    expect(await outbox.relay(0)).toBe(0);
    await broker.idle();
    expect(deliveries.sort()).toEqual(['e1', 'e2']);
  });

  it('republishes when the process died after publishing but before clearing, with one effect per event', async () => {
    const { broker, outbox, deliveries, effects } = setup('t-crash');
    // Simulate the crash window: the item holds a pending event that was already published once.
    await t.store.collection('identity', 't-crash').create({ id: 'u1', tenantId: 't-crash', type: 'user', pendingMessages: [event('t-crash', 'e-crash')], pendingSince: 1 });
    await broker.publish('audit', [{ messageId: 'e-crash', sessionId: 't-crash', body: {} }]);
    await broker.idle();
    await outbox.relay(0);
    await broker.idle();
    expect(await effects()).toEqual(['effect:e-crash']);
    // The bus's duplicate detection dropped the second publish, and the consumer is idempotent anyway.
    expect(deliveries.filter((d) => d === 'e-crash').length).toBeGreaterThanOrEqual(1);
    const item = await t.store.collection('identity', 't-crash').read<{ pendingMessages?: unknown; id: string; tenantId: string; type: string }>('u1');
    expect(item?.pendingMessages).toBeUndefined();
  });

  it('creates in a group commit, publishes, and leaves the messages for the next write to clear', async () => {
    const { broker, bus, outbox, deliveries, effects } = setup('t-group');
    type Carrier = Doc & { pendingMessages?: Array<{ messageId: string }> };
    const outcomes = await Promise.all(
      ['g1', 'g2', 'g3'].map((id) => outbox.createGrouped<Doc>('imports', { id, tenantId: 't-group', type: 'import', propertyId: 'p1', name: id }, [event('t-group', `e-${id}`)])),
    );
    expect(outcomes).toEqual(['created', 'created', 'created']);
    // One bulk request carried the three creates.
    expect(t.store.createGroupStats('imports').creates - t.store.createGroupStats('imports').requests).toBeGreaterThanOrEqual(2);
    await broker.idle();
    expect(await effects()).toEqual(['effect:e-g1', 'effect:e-g2', 'effect:e-g3']);
    const imports = t.store.collection('imports', 't-group').scoped('p1');
    const stored = await imports.read<Carrier>('g1');
    expect(stored?.pendingMessages?.map((m) => m.messageId)).toEqual(['e-g1']);

    // A second create of the same id is 'exists' and publishes nothing.
    expect(await outbox.createGrouped<Doc>('imports', { id: 'g1', tenantId: 't-group', type: 'import', propertyId: 'p1', name: 'again' }, [event('t-group', 'e-never')])).toBe('exists');
    expect((await imports.read<Carrier>('g1'))?.name).toBe('g1');

    // The item's next write publishes its messages again (dropped as duplicates) and clears them.
    await outbox.commit<Doc>('imports', 'replace', { ...(stored as Doc), name: 'done' }, [event('t-group', 'e-done')], stored?._etag);
    await broker.idle();
    expect((await imports.read<Carrier>('g1'))?.pendingMessages).toBeUndefined();
    expect(await effects()).toEqual(['effect:e-done', 'effect:e-g1', 'effect:e-g2', 'effect:e-g3']);
    expect(deliveries).not.toContain('e-never');

    // With the bus down, the create still stands and the relay publishes later.
    bus.down = true;
    expect(await outbox.createGrouped<Doc>('imports', { id: 'g4', tenantId: 't-group', type: 'import', propertyId: 'p1', name: 'g4' }, [event('t-group', 'e-g4')])).toBe('created');
    bus.down = false;
    await outbox.relay(0);
    await broker.idle();
    expect(await effects()).toContain('effect:e-g4');
    expect((await imports.read<Carrier>('g4'))?.pendingMessages).toBeUndefined();
  });

  it('emits nothing when the write itself fails', async () => {
    const { broker, outbox, deliveries } = setup('t-fail');
    await outbox.commit<Doc>('tenants', 'create', { id: 'dup', tenantId: 't-fail', type: 'property', name: 'A' }, []);
    await expect(
      outbox.commit<Doc>('tenants', 'create', { id: 'dup', tenantId: 't-fail', type: 'property', name: 'B' }, [event('t-fail', 'e-never')]),
    ).rejects.toBeInstanceOf(StoreError);
    await outbox.relay(0);
    await broker.idle();
    expect(deliveries).toEqual([]);
  });

  it('emits standalone events through an outbox record that is removed once published', async () => {
    const { broker, outbox, effects } = setup('t-emit');
    await outbox.emit('t-emit', [event('t-emit', 'login-failed-1')]);
    await broker.idle();
    expect(await effects()).toEqual(['effect:login-failed-1']);
    expect(await t.store.collection('outbox', 't-emit').all("SELECT * FROM c")).toEqual([]);
  });
});
