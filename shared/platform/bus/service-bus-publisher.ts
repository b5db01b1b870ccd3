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

/**
 * The same contract the in-process broker enforces, checked before anything is sent: Service Bus
 * itself rejects a missing session id only at send time, and silently keeps one on a queue without
 * sessions.
 */
function checkContract(queue: QueueName, messages: OutgoingMessage[]): void {
  const sessions = queues[queue].sessions;
  for (const m of messages) {
    if (!m.messageId) throw new Error('messageId is required');
    if (sessions && !m.sessionId) throw new Error(`queue ${queue} requires a sessionId`);
    if (!sessions && m.sessionId) throw new Error(`queue ${queue} is not session-enabled`);
  }
}

/** Opens the SDK client. Loaded on first use: the SDK is heavy and most HTTP requests publish nothing. */
export function serviceBusConnector(namespace: string, credential: () => TokenCredential): () => Promise<ServiceBusClient> {
  return async () => {
    const { ServiceBusClient } = await import('@azure/service-bus');
    return new ServiceBusClient(namespace, credential());
  };
}

/** How long the readiness probe waits for the namespace. */
const READY_TIMEOUT_MS = 3000;

/** Publishes to Azure Service Bus with the app's managed identity; batches what fits together. */
export class ServiceBusPublisher implements MessagePublisher {
  /** A promise, so concurrent first publishes share one client instead of each opening its own. */
  private client: Promise<ServiceBusClient> | undefined;
  private readonly senders = new Map<QueueName, ServiceBusSender>();
  private readonly connect: () => Promise<ServiceBusClient>;

  /** `connect` replaces the SDK client (tests); by default the namespace is reached with `credential`. */
  constructor(namespace: string, credential: () => TokenCredential, connect?: () => Promise<ServiceBusClient>) {
    this.connect = connect ?? serviceBusConnector(namespace, credential);
  }

  private async sender(queue: QueueName): Promise<ServiceBusSender> {
    const cached = this.senders.get(queue);
    if (cached) return cached;
    this.client ??= this.connect();
    let client: ServiceBusClient;
    try {
      client = await this.client;
    } catch (err) {
      this.client = undefined; // a failed connect is retried on the next publish
      throw err;
    }
    // Checked again: another publish may have created the sender while this one awaited the client.
    let sender = this.senders.get(queue);
    if (!sender) {
      sender = client.createSender(queues[queue].name);
      this.senders.set(queue, sender);
    }
    return sender;
  }

  async publish(queue: QueueName, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    checkContract(queue, messages);
    const sender = await this.sender(queue);
    const scheduled = messages.filter((m) => m.scheduledEnqueueTimeUtc);
    for (const m of scheduled) await sender.scheduleMessages(toServiceBusMessage(m), m.scheduledEnqueueTimeUtc as Date);
    let batch = await sender.createMessageBatch();
    for (const m of messages.filter((x) => !x.scheduledEnqueueTimeUtc)) {
      const sb = toServiceBusMessage(m);
      if (batch.tryAddMessage(sb)) continue;
      const tooLarge = new Error(`message ${m.messageId} is larger than a Service Bus batch`);
      if (batch.count === 0) throw tooLarge;
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(sb)) throw tooLarge;
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  /**
   * Whether the namespace answers: creating a batch needs the sender's AMQP link open (and re-opens a
   * dropped one), a round trip with the app's credential; creating a sender alone makes none. Bounded
   * in time, so a namespace that hangs shows as unavailable instead of hanging the health check.
   */
  async ready(): Promise<boolean> {
    try {
      await (await this.sender('audit')).createMessageBatch({ abortSignal: AbortSignal.timeout(READY_TIMEOUT_MS) });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    for (const s of this.senders.values()) await s.close();
    this.senders.clear();
    const client = this.client;
    this.client = undefined;
    // A client that never connected has nothing to close.
    if (client) await client.then((c) => c.close(), () => undefined);
  }
}
