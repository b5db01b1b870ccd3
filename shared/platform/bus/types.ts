import type { QueueName } from '../topology.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** What we put on a queue. messageId is always set: it is the duplicate-detection and idempotency key. */
export interface OutgoingMessage {
  messageId: string;
  body: JsonValue;
  /** Required on session-enabled queues (audit: the tenant id), refused elsewhere. */
  sessionId?: string;
  correlationId?: string;
  subject?: string;
  applicationProperties?: Record<string, string | number | boolean>;
  scheduledEnqueueTimeUtc?: Date;
}

/** The trigger metadata a Service Bus–triggered function sees, in the Functions host and locally alike. */
export interface DeliveryMetadata {
  messageId: string;
  deliveryCount: number;
  sessionId?: string;
  correlationId?: string;
  enqueuedTimeUtc: string;
  applicationProperties: Record<string, string | number | boolean>;
}

/** The one publishing port: Service Bus in Azure, the in-process broker locally. */
export interface MessagePublisher {
  publish(queue: QueueName, messages: OutgoingMessage[]): Promise<void>;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}
