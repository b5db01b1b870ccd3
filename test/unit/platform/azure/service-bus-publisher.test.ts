import { describe, expect, it } from '@jest/globals';
import type { ServiceBusClient, ServiceBusMessage } from '@azure/service-bus';
import { ServiceBusPublisher } from '../../../../shared/platform/bus/service-bus-publisher.js';
import type { OutgoingMessage } from '../../../../shared/platform/bus/types.js';
import { queues } from '../../../../shared/platform/topology.js';

/**
 * A stand-in for the @azure/service-bus client: batches hold as many messages as fit in `capacity`
 * bytes of JSON body, the way ServiceBusMessageBatch refuses what would exceed the link's maximum.
 */
class FakeBatch {
  readonly messages: ServiceBusMessage[] = [];
  private used = 0;
  constructor(private readonly capacity: number) {}
  get count(): number {
    return this.messages.length;
  }
  tryAddMessage(m: ServiceBusMessage): boolean {
    const size = JSON.stringify(m.body).length;
    if (this.used + size > this.capacity) return false;
    this.used += size;
    this.messages.push(m);
    return true;
  }
}

class FakeSender {
  readonly sent: ServiceBusMessage[][] = [];
  readonly scheduled: Array<{ message: ServiceBusMessage; at: Date }> = [];
  closed = false;
  /** The AMQP link can't be (re)opened: the namespace went away after the sender was made. */
  linkDown = false;
  constructor(
    readonly entity: string,
    private readonly capacity: number,
  ) {}
  async createMessageBatch(options?: { abortSignal?: AbortSignal }): Promise<FakeBatch> {
    if (this.linkDown) {
      // Like the SDK retrying a link that won't open: only the abort signal ends the wait.
      await new Promise((_, reject) => options?.abortSignal?.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    return new FakeBatch(this.capacity);
  }
  async sendMessages(batch: FakeBatch): Promise<void> {
    if (!(batch instanceof FakeBatch)) throw new Error('the publisher must send batches');
    if (batch.count === 0) throw new Error('an empty batch was sent');
    this.sent.push([...batch.messages]);
  }
  async scheduleMessages(message: ServiceBusMessage, at: Date): Promise<number[]> {
    this.scheduled.push({ message, at });
    return [this.scheduled.length];
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeServiceBus {
  readonly senders: FakeSender[] = [];
  connects = 0;
  closed = false;
  failConnect = false;
  constructor(private readonly capacity = 1000) {}
  readonly connect = async (): Promise<ServiceBusClient> => {
    this.connects += 1;
    await new Promise((r) => setImmediate(r)); // connecting takes a turn, so concurrent callers overlap
    if (this.failConnect) throw new Error('namespace unreachable');
    return this as unknown as ServiceBusClient;
  };
  createSender(entity: string): FakeSender {
    const s = new FakeSender(entity, this.capacity);
    this.senders.push(s);
    return s;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  sender(entity: string): FakeSender {
    const s = this.senders.find((x) => x.entity === entity);
    if (!s) throw new Error(`no sender for ${entity}`);
    return s;
  }
}

function publisherOn(bus: FakeServiceBus): ServiceBusPublisher {
  return new ServiceBusPublisher('sb-test.servicebus.windows.net', () => {
    throw new Error('the credential is not used when a client is injected');
  }, bus.connect);
}

const msg = (id: string, body: OutgoingMessage['body'] = { id }): OutgoingMessage => ({ messageId: id, body });

describe('ServiceBusPublisher (against a fake ServiceBusClient)', () => {
  it('maps every field of an outgoing message, and sets nothing that was not given', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    await p.publish('audit', [
      {
        messageId: 'evt-1',
        body: { id: 'evt-1', n: 1 },
        sessionId: 'tenant-a',
        correlationId: 'corr-1',
        subject: 'audit.event',
        applicationProperties: { kind: 'user.invited', attempt: 2, replay: false },
      },
    ]);
    await p.publish('imports', [msg('imp-1')]);

    expect(bus.sender(queues.audit.name).sent).toStrictEqual([
      [
        {
          messageId: 'evt-1',
          body: { id: 'evt-1', n: 1 },
          contentType: 'application/json',
          sessionId: 'tenant-a',
          correlationId: 'corr-1',
          subject: 'audit.event',
          applicationProperties: { kind: 'user.invited', attempt: 2, replay: false },
        },
      ],
    ]);
    expect(bus.sender(queues.imports.name).sent).toStrictEqual([[{ messageId: 'imp-1', body: { id: 'imp-1' }, contentType: 'application/json' }]]);
  });

  it('schedules messages with their enqueue time and batches the rest', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    const at = new Date('2031-01-02T03:04:05.000Z');
    await p.publish('imports', [msg('now-1'), { ...msg('later-1'), scheduledEnqueueTimeUtc: at }, msg('now-2')]);
    const s = bus.sender('imports');
    expect(s.scheduled).toHaveLength(1);
    expect(s.scheduled[0]?.message.messageId).toBe('later-1');
    expect(s.scheduled[0]?.at.toISOString()).toBe(at.toISOString());
    expect('scheduledEnqueueTimeUtc' in (s.scheduled[0]?.message ?? {})).toBe(false);
    expect(s.sent.map((b) => b.map((m) => m.messageId))).toEqual([['now-1', 'now-2']]);
  });

  it('starts a new batch when the current one refuses a message, and sends the full one first', async () => {
    // Each body is 11 bytes of JSON ({"id":"m1"} and so on); two fit in 25 bytes, three do not.
    const bus = new FakeServiceBus(25);
    const p = publisherOn(bus);
    await p.publish('imports', ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => msg(id)));
    expect(bus.sender('imports').sent.map((b) => b.map((m) => m.messageId))).toEqual([['m1', 'm2'], ['m3', 'm4'], ['m5']]);
  });

  it('rejects a message larger than a whole batch without sending an empty batch', async () => {
    const bus = new FakeServiceBus(25);
    const p = publisherOn(bus);
    const huge = msg('huge', { blob: 'x'.repeat(100) });
    await expect(p.publish('imports', [huge])).rejects.toThrow('message huge is larger than a Service Bus batch');
    expect(bus.sender('imports').sent).toEqual([]);
    // Behind a message that fits, the first batch goes out before the oversized one is refused.
    await expect(p.publish('imports', [msg('m1'), huge])).rejects.toThrow('larger than a Service Bus batch');
    expect(bus.sender('imports').sent.map((b) => b.map((m) => m.messageId))).toEqual([['m1']]);
  });

  it('publishing nothing sends nothing and does not even connect', async () => {
    const bus = new FakeServiceBus();
    await publisherOn(bus).publish('imports', []);
    expect(bus.connects).toBe(0);
    expect(bus.senders).toEqual([]);
  });

  it('enforces the session contract of the topology before sending anything', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    await expect(p.publish('audit', [{ ...msg('a1'), sessionId: 't1' }, msg('a2')])).rejects.toThrow('queue audit requires a sessionId');
    await expect(p.publish('imports', [msg('i1'), { ...msg('i2'), sessionId: 't1' }])).rejects.toThrow('queue imports is not session-enabled');
    await expect(p.publish('redaction', [{ messageId: '', body: {} }])).rejects.toThrow('messageId is required');
    expect(bus.senders.flatMap((s) => s.sent)).toEqual([]);
  });

  it('keeps one sender per queue, named as in the topology, and one client for all', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    // Concurrent first publishes must not open two clients or two senders for one queue.
    await Promise.all([p.publish('imports', [msg('a')]), p.publish('imports', [msg('b')]), p.publish('redaction', [msg('c')])]);
    await p.publish('imports', [msg('d')]);
    expect(bus.connects).toBe(1);
    expect(bus.senders.map((s) => s.entity).sort()).toEqual([queues.imports.name, queues.redaction.name].sort());
    expect(bus.sender(queues.imports.name).sent.flat().map((m) => m.messageId).sort()).toEqual(['a', 'b', 'd']);
  });

  it('close closes every sender and the client', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    await p.publish('imports', [msg('a')]);
    await p.publish('redaction', [msg('b')]);
    await p.close();
    expect(bus.senders.map((s) => s.closed)).toEqual([true, true]);
    expect(bus.closed).toBe(true);

    const unused = new FakeServiceBus();
    await publisherOn(unused).close();
    expect(unused.connects).toBe(0);
  });

  it('ready() is true once a sender can be created and false when the namespace cannot be reached', async () => {
    const bus = new FakeServiceBus();
    expect(await publisherOn(bus).ready()).toBe(true);
    expect(bus.senders.map((s) => s.entity)).toEqual([queues.audit.name]);

    const down = new FakeServiceBus();
    down.failConnect = true;
    const p = publisherOn(down);
    expect(await p.ready()).toBe(false);
    await expect(p.publish('imports', [msg('x')])).rejects.toThrow('namespace unreachable');
    // A failed connect is not cached: once the namespace is back, the next publish connects.
    down.failConnect = false;
    await p.publish('imports', [msg('y')]);
    expect(down.connects).toBe(3);
    expect(down.sender('imports').sent.flat().map((m) => m.messageId)).toEqual(['y']);
  });

  it('ready() is false, in bounded time, when the namespace stops answering after the sender exists', async () => {
    const bus = new FakeServiceBus();
    const p = publisherOn(bus);
    expect(await p.ready()).toBe(true);
    bus.sender(queues.audit.name).linkDown = true;
    expect(await p.ready()).toBe(false);
  });
});
