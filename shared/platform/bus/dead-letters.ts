import type { TokenCredential } from '@azure/identity';
import type { LocalBroker } from '../local/broker.js';
import { queues, type QueueName } from '../topology.js';
import type { JsonValue } from './types.js';

/** A message in a queue's dead-letter sub-queue, as operators see it. */
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
 * Reads (peeks, never removes) dead letters, so a failing message stays visible to operators
 * until someone handles it. Service Bus in Azure, the in-process broker locally.
 */
export interface DeadLetterInspector {
  peek(queue: QueueName, max: number): Promise<DeadLetterView[]>;
}

export class LocalDeadLetters implements DeadLetterInspector {
  constructor(private readonly broker: LocalBroker) {}

  async peek(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    return this.broker
      .deadLettered(queue)
      .slice(0, max)
      .map((d) => ({
        queue,
        messageId: d.metadata.messageId,
        ...(d.metadata.sessionId ? { sessionId: d.metadata.sessionId } : {}),
        ...(d.metadata.correlationId ? { correlationId: d.metadata.correlationId } : {}),
        deliveryCount: d.metadata.deliveryCount,
        enqueuedTimeUtc: d.metadata.enqueuedTimeUtc,
        deadLetterReason: d.deadLetterReason,
        deadLetterErrorDescription: d.deadLetterErrorDescription,
        body: d.body,
      }));
  }
}

export class ServiceBusDeadLetters implements DeadLetterInspector {
  constructor(
    private readonly namespace: string,
    private readonly credential: () => TokenCredential,
  ) {}

  async peek(queue: QueueName, max: number): Promise<DeadLetterView[]> {
    const { ServiceBusClient } = await import('@azure/service-bus');
    const client = new ServiceBusClient(this.namespace, this.credential());
    try {
      // Dead-letter sub-queues are never session-enabled, even for a session queue.
      const receiver = client.createReceiver(queues[queue].name, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
      const messages = await receiver.peekMessages(max);
      await receiver.close();
      return messages.map((m) => ({
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
      }));
    } finally {
      await client.close();
    }
  }
}
