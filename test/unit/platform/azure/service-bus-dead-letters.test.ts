import { describe, expect, it } from '@jest/globals';
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiverOptions } from '@azure/service-bus';
import { ServiceBusDeadLetters } from '../../../../shared/platform/bus/dead-letters.js';
import { queues } from '../../../../shared/platform/topology.js';

type Received = Partial<ServiceBusReceivedMessage> & { body: unknown };

/**
 * A stand-in for the dead-letter sub-queues behind @azure/service-bus receivers: peek never locks,
 * receive locks (to that receiver), complete removes only a message locked by the receiver completing it.
 */
class FakeReceiver {
  closed = false;
  readonly completed: Received[] = [];
  readonly receiveCalls: Array<{ max: number; maxWaitTimeInMs: number | undefined }> = [];
  constructor(
    private readonly bus: FakeDeadLetterBus,
    readonly entity: string,
    readonly options: ServiceBusReceiverOptions | undefined,
  ) {}
  private get store(): Received[] {
    return this.bus.deadLetters.get(this.entity) ?? [];
  }
  async peekMessages(max: number): Promise<Received[]> {
    return this.store.slice(0, max);
  }
  async receiveMessages(max: number, opts?: { maxWaitTimeInMs?: number }): Promise<Received[]> {
    this.receiveCalls.push({ max, maxWaitTimeInMs: opts?.maxWaitTimeInMs });
    const free = this.store.filter((m) => !this.bus.locks.has(m)).slice(0, max);
    for (const m of free) this.bus.locks.set(m, this);
    return free;
  }
  async completeMessage(m: Received): Promise<void> {
    if (this.bus.locks.get(m) !== this) throw new Error('the lock is not held by this receiver');
    this.bus.locks.delete(m);
    this.bus.deadLetters.set(
      this.entity,
      this.store.filter((x) => x !== m),
    );
    this.completed.push(m);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeDeadLetterBus {
  readonly deadLetters = new Map<string, Received[]>();
  readonly locks = new Map<Received, FakeReceiver>();
  readonly receivers: FakeReceiver[] = [];
  connects = 0;
  closed = false;
  readonly connect = async (): Promise<ServiceBusClient> => {
    this.connects += 1;
    return this as unknown as ServiceBusClient;
  };
  createReceiver(entity: string, options?: ServiceBusReceiverOptions): FakeReceiver {
    const r = new FakeReceiver(this, entity, options);
    this.receivers.push(r);
    return r;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  ids(entity: string): unknown[] {
    return (this.deadLetters.get(entity) ?? []).map((m) => m.messageId);
  }
}

function deadLetter(id: string, extra: Partial<ServiceBusReceivedMessage> = {}): Received {
  return {
    messageId: id,
    body: { id },
    deliveryCount: 10,
    enqueuedTimeUtc: new Date('2025-03-04T05:06:07.089Z'),
    deadLetterReason: 'MaxDeliveryCountExceeded',
    deadLetterErrorDescription: 'downstream is down',
    ...extra,
  };
}

function adapterOn(bus: FakeDeadLetterBus): ServiceBusDeadLetters {
  return new ServiceBusDeadLetters('sb-test.servicebus.windows.net', () => {
    throw new Error('the credential is not used when a client is injected');
  }, bus.connect);
}

const deadLetterReceiverOptions = { subQueueType: 'deadLetter', receiveMode: 'peekLock' };

describe('ServiceBusDeadLetters (against a fake ServiceBusClient)', () => {
  it('peek reads the dead-letter sub-queue in peekLock mode, closes its receiver and removes nothing', async () => {
    const bus = new FakeDeadLetterBus();
    bus.deadLetters.set(queues.imports.name, [deadLetter('m1'), deadLetter('m2'), deadLetter('m3')]);
    const port = adapterOn(bus);
    const seen = await port.peek('imports', 2);
    expect(seen.map((d) => d.messageId)).toEqual(['m1', 'm2']);
    expect(bus.receivers).toHaveLength(1);
    expect(bus.receivers[0]?.entity).toBe(queues.imports.name);
    expect(bus.receivers[0]?.options).toEqual(deadLetterReceiverOptions);
    expect(bus.receivers[0]?.closed).toBe(true);
    expect(bus.ids('imports')).toEqual(['m1', 'm2', 'm3']);
    expect(bus.locks.size).toBe(0);
  });

  it('maps the received fields, and fills what Service Bus left out', async () => {
    const bus = new FakeDeadLetterBus();
    bus.deadLetters.set(queues.audit.name, [
      deadLetter('full', { sessionId: 'tenant-a', correlationId: 'corr-1', subject: 'audit.event' }),
      { messageId: 42, body: 'raw' },
    ]);
    const [full, sparse] = await adapterOn(bus).peek('audit', 10);
    expect(full).toStrictEqual({
      queue: 'audit',
      messageId: 'full',
      sessionId: 'tenant-a',
      correlationId: 'corr-1',
      deliveryCount: 10,
      enqueuedTimeUtc: '2025-03-04T05:06:07.089Z',
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'downstream is down',
      subject: 'audit.event',
      body: { id: 'full' },
    });
    // Service Bus allows numeric message ids; reasons are absent when something other than the
    // delivery count dead-lettered the message.
    expect(sparse).toStrictEqual({
      queue: 'audit',
      messageId: '42',
      deliveryCount: 0,
      enqueuedTimeUtc: '1970-01-01T00:00:00.000Z',
      deadLetterReason: '',
      deadLetterErrorDescription: '',
      body: 'raw',
    });
  });

  it('take locks without removing; settle completes exactly the taken messages, on the receiver that took them', async () => {
    const bus = new FakeDeadLetterBus();
    bus.deadLetters.set(queues.imports.name, ['m1', 'm2', 'm3', 'm4'].map((id) => deadLetter(id)));
    const port = adapterOn(bus);
    const taken = await port.take('imports', 3);
    expect(taken.map((d) => d.messageId)).toEqual(['m1', 'm2', 'm3']);
    expect(bus.ids('imports')).toEqual(['m1', 'm2', 'm3', 'm4']);
    const sweeper = bus.receivers[0] as FakeReceiver;
    expect(sweeper.entity).toBe(queues.imports.name);
    expect(sweeper.options).toEqual(deadLetterReceiverOptions);
    expect(sweeper.receiveCalls).toEqual([{ max: 3, maxWaitTimeInMs: 5000 }]);

    // The sweeper recorded only two of them: only those two leave the sub-queue.
    await port.settle('imports', [taken[0], taken[2]].filter((d) => d !== undefined));
    expect(bus.ids('imports')).toEqual(['m2', 'm4']);
    expect(sweeper.completed.map((m) => m.messageId)).toEqual(['m1', 'm3']);
    expect(bus.receivers).toHaveLength(1); // the same receiver: a lock belongs to it

    // Settling again, settling a look-alike that was never taken, or settling under another queue completes nothing.
    await port.settle('imports', taken.slice(0, 1));
    await port.settle('imports', [{ ...(taken[1] as (typeof taken)[number]) }]);
    await port.settle('audit', taken.slice(1, 2));
    expect(bus.ids('imports')).toEqual(['m2', 'm4']);

    await port.settle('imports', taken.slice(1, 2));
    expect(bus.ids('imports')).toEqual(['m4']);
  });

  it('keeps one sweep receiver per queue and closes receivers and client on close', async () => {
    const bus = new FakeDeadLetterBus();
    bus.deadLetters.set(queues.imports.name, [deadLetter('i1')]);
    bus.deadLetters.set(queues.redaction.name, [deadLetter('r1')]);
    const port = adapterOn(bus);
    await Promise.all([port.take('imports', 1), port.take('redaction', 1), port.take('imports', 1)]);
    await port.peek('audit', 1);
    expect(bus.connects).toBe(1);
    const sweepers = bus.receivers.filter((r) => r.entity !== queues.audit.name);
    expect(sweepers.map((r) => r.entity).sort()).toEqual([queues.imports.name, queues.redaction.name].sort());
    await port.close();
    expect(bus.receivers.every((r) => r.closed)).toBe(true);
    expect(bus.closed).toBe(true);
  });
});
