import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusSender, ServiceBusMessage } from '@azure/service-bus';
import { queues, type QueueName } from '../topology.js';
import type { MessagePublisher, OutgoingMessage } from './types.js';

function toServiceBusMessage(m: OutgoingMessage): ServiceBusMessage {
  const msg: ServiceBusMessage = { messageId: m.messageId, body: m.body, contentType: 'application/json' };
  if (m.sessionId) msg.sessionId = m.sessionId;
  if (m.correlationId) msg.correlationId = m.correlationId;
  if (m.subject) msg.subject = m.subject;
  if (m.applicationProperties) msg.applicationProperties = m.applicationProperties;
  return msg;
}

/** Publishes to Azure Service Bus with the app's managed identity; batches what fits together. */
export class ServiceBusPublisher implements MessagePublisher {
  private client: ServiceBusClient | undefined;
  private readonly senders = new Map<QueueName, ServiceBusSender>();

  constructor(
    private readonly namespace: string,
    private readonly credential: () => TokenCredential,
  ) {}

  private async sender(queue: QueueName): Promise<ServiceBusSender> {
    let sender = this.senders.get(queue);
    if (!sender) {
      if (!this.client) {
        // Loaded on first publish: the SDK is heavy and most HTTP requests publish nothing.
        const { ServiceBusClient } = await import('@azure/service-bus');
        this.client = new ServiceBusClient(this.namespace, this.credential());
      }
      sender = this.client.createSender(queues[queue].name);
      this.senders.set(queue, sender);
    }
    return sender;
  }

  async publish(queue: QueueName, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const sender = await this.sender(queue);
    const scheduled = messages.filter((m) => m.scheduledEnqueueTimeUtc);
    for (const m of scheduled) await sender.scheduleMessages(toServiceBusMessage(m), m.scheduledEnqueueTimeUtc as Date);
    let batch = await sender.createMessageBatch();
    for (const m of messages.filter((x) => !x.scheduledEnqueueTimeUtc)) {
      const sb = toServiceBusMessage(m);
      if (!batch.tryAddMessage(sb)) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        if (!batch.tryAddMessage(sb)) throw new Error(`message ${m.messageId} is larger than a Service Bus batch`);
      }
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  async ready(): Promise<boolean> {
    try {
      await this.sender('audit');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const s of this.senders.values()) await s.close();
    await this.client?.close();
  }
}
