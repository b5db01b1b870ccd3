import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { DeadLetter, LocalBroker } from '../local/broker.js';
import { queues, type QueueName } from '../topology.js';
import { serviceBusConnector } from './service-bus-publisher.js';
import type { JsonValue } from './types.js';

/** A message in a queue's dead-letter sub-queue. */
export interface DeadLetterView {
  queue: QueueName;
  messageId: string;
  sessionId?: string;
  correlationId?: string;
  deliveryCount: number;
  enqueuedTimeUtc: string;
  deadLetterReason: string;
  deadLetterErrorDescription: string;
  subject?: string;
  body: JsonValue;
}

/**
 * The dead-letter sub-queues. Operators `peek` (never removes, so a failing message stays visible
 * until someone handles it); a sweeper `take`s messages (locked, not removed) and `settle`s the ones
 * it recorded, so a sweep that fails halfway loses nothing. Service Bus in Azure, the in-process
 * broker locally.
 */
export interface DeadLetters {
  peek(queue: QueueName, max: number): Promise<DeadLetterView[]>;
  take(queue: QueueName, max: number): Promise<DeadLetterView[]>;
  settle(queue: QueueName, messages: DeadLetterView[]): Promise<void>;
  close(): Promise<void>;
}

function fromBroker(queue: QueueName, d: DeadLetter): DeadLetterView {
  return {
    queue,
    messageId: d.metadata.messageId,
    ...(d.metadata.sessionId ? { sessionId: d.metadata.sessionId } : {}),
    ...(d.metadata.correlationId ? { correlationId: d.metadata.correlationId } : {}),
    deliveryCount: d.metadata.deliveryCount,
    enqueuedTimeUtc: d.metadata.enqueuedTimeUtc,
    deadLetterReason: d.deadLetterReason,
    deadLetterErrorDescription: d.deadLetterErrorDescription,
    body: d.body,
  };
}

export class LocalDeadLetters implements DeadLetters {
  private readonly taken = new Map<QueueName, number>();

  constructor(private readonly broker: LocalBroker) {}

  async peek(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    return this.broker
      .deadLettered(queue)
      .slice(0, max)
      .map((d) => fromBroker(queue, d));
  }

  async take(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    const list = await this.peek(queue, max);
    this.taken.set(queue, list.length);
    return list;
  }

  async settle(queue: QueueName, messages: DeadLetterView[]): Promise<void> {
    this.broker.takeDeadLetters(queue, Math.min(messages.length, this.taken.get(queue) ?? 0));
    this.taken.delete(queue);
  }

  async close(): Promise<void> {}
}

function fromServiceBus(queue: QueueName, m: ServiceBusReceivedMessage): DeadLetterView {
  return {
    queue,
    messageId: String(m.messageId ?? ''),
    ...(m.sessionId ? { sessionId: m.sessionId } : {}),
    ...(m.correlationId ? { correlationId: String(m.correlationId) } : {}),
    deliveryCount: m.deliveryCount ?? 0,
    enqueuedTimeUtc: (m.enqueuedTimeUtc ?? new Date(0)).toISOString(),
    deadLetterReason: m.deadLetterReason ?? '',
    deadLetterErrorDescription: m.deadLetterErrorDescription ?? '',
    ...(m.subject ? { subject: m.subject } : {}),
    body: m.body as JsonValue,
  };
}

/**
 * Azure Service Bus: peek-lock receivers on `<queue>/$deadletterqueue`, signed in with the app's
 * credential (Azure Service Bus Data Receiver on the queue). Dead-letter sub-queues are never
 * session-enabled, even for a session queue.
 */
export class ServiceBusDeadLetters implements DeadLetters {
  private client: Promise<ServiceBusClient> | undefined;
  /** Sweep receivers stay open between `take` and `settle`: a lock belongs to its receiver. */
  private readonly receivers = new Map<QueueName, ServiceBusReceiver>();
  private readonly locked = new Map<DeadLetterView, ServiceBusReceivedMessage>();
  private readonly connect: () => Promise<ServiceBusClient>;

  /** `connect` replaces the SDK client (tests); by default the namespace is reached with `credential`. */
  constructor(namespace: string, credential: () => TokenCredential, connect?: () => Promise<ServiceBusClient>) {
    this.connect = connect ?? serviceBusConnector(namespace, credential);
  }

  private async open(): Promise<ServiceBusClient> {
    this.client ??= this.connect();
    try {
      return await this.client;
    } catch (err) {
      this.client = undefined;
      throw err;
    }
  }

  private async receiver(queue: QueueName): Promise<ServiceBusReceiver> {
    const client = await this.open();
    let receiver = this.receivers.get(queue);
    if (!receiver) {
      receiver = client.createReceiver(queues[queue].name, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
      this.receivers.set(queue, receiver);
    }
    return receiver;
  }

  async peek(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    const receiver = (await this.open()).createReceiver(queues[queue].name, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    try {
      return (await receiver.peekMessages(max)).map((m) => fromServiceBus(queue, m));
    } finally {
      await receiver.close();
    }
  }

  async take(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    const messages = await (await this.receiver(queue)).receiveMessages(max, { maxWaitTimeInMs: 5000 });
    return messages.map((m) => {
      const view = fromServiceBus(queue, m);
      this.locked.set(view, m);
      return view;
    });
  }

  async settle(queue: QueueName, messages: DeadLetterView[]): Promise<void> {
    const receiver = await this.receiver(queue);
    for (const view of messages) {
      const m = this.locked.get(view);
      // Only what this adapter took from this queue: a lock belongs to the receiver that took it.
      if (!m || view.queue !== queue) continue;
      await receiver.completeMessage(m);
      this.locked.delete(view);
    }
  }

  async close(): Promise<void> {
    for (const receiver of this.receivers.values()) await receiver.close();
    this.receivers.clear();
    this.locked.clear();
    const client = this.client;
    this.client = undefined;
    if (client) await client.then((c) => c.close(), () => undefined);
  }
}
