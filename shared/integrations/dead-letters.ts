import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusReceiver } from '@azure/service-bus';
import type { LocalBroker } from '../platform/local/broker.js';
import { queues } from '../platform/topology.js';

export interface DeadLetteredMessage {
  body: unknown;
  reason: string;
  description: string;
}

/**
 * Reads the dead-letter sub-queue of `imports`. `receive` returns messages without removing them;
 * `complete` removes the ones that were recorded, so a sweep that fails halfway loses nothing.
 */
export interface DeadLetterSource {
  receive(max: number): Promise<DeadLetteredMessage[]>;
  complete(messages: DeadLetteredMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The in-process broker's dead letters (local host and tests). */
export class LocalImportDeadLetters implements DeadLetterSource {
  private taken = 0;
  constructor(private readonly broker: LocalBroker) {}

  async receive(max: number): Promise<DeadLetteredMessage[]> {
    const list = this.broker.deadLettered('imports').slice(0, max);
    this.taken = list.length;
    return list.map((d) => ({ body: d.body, reason: d.deadLetterReason, description: d.deadLetterErrorDescription }));
  }

  async complete(messages: DeadLetteredMessage[]): Promise<void> {
    this.broker.takeDeadLetters('imports', Math.min(messages.length, this.taken));
    this.taken = 0;
  }

  async close(): Promise<void> {}
}

/**
 * Azure Service Bus: a peek-lock ServiceBusReceiver on `imports/$deadletterqueue` with the app's
 * managed identity (Azure Service Bus Data Receiver on the queue, which infra grants for `imports`).
 * Messages are completed after their imports were marked failed.
 */
export class ServiceBusImportDeadLetters implements DeadLetterSource {
  private client: ServiceBusClient | undefined;
  private receiver: ServiceBusReceiver | undefined;
  private readonly locked = new Map<DeadLetteredMessage, unknown>();

  constructor(
    private readonly namespace: string,
    private readonly credential: () => Promise<TokenCredential>,
  ) {}

  private async open(): Promise<ServiceBusReceiver> {
    if (!this.receiver) {
      const { ServiceBusClient } = await import('@azure/service-bus');
      this.client = new ServiceBusClient(this.namespace, await this.credential());
      this.receiver = this.client.createReceiver(queues.imports.name, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    }
    return this.receiver;
  }

  async receive(max: number): Promise<DeadLetteredMessage[]> {
    const receiver = await this.open();
    const messages = await receiver.receiveMessages(max, { maxWaitTimeInMs: 5000 });
    return messages.map((m) => {
      const d: DeadLetteredMessage = { body: m.body, reason: m.deadLetterReason ?? 'unknown', description: m.deadLetterErrorDescription ?? '' };
      this.locked.set(d, m);
      return d;
    });
  }

  async complete(messages: DeadLetteredMessage[]): Promise<void> {
    const receiver = await this.open();
    for (const d of messages) {
      const m = this.locked.get(d);
      if (!m) continue;
      await receiver.completeMessage(m as Parameters<ServiceBusReceiver['completeMessage']>[0]);
      this.locked.delete(d);
    }
  }

  async close(): Promise<void> {
    await this.receiver?.close();
    await this.client?.close();
  }
}
