import { queues, type QueueName } from '../topology.js';
import type { DeliveryMetadata, JsonValue, MessagePublisher, OutgoingMessage } from '../bus/types.js';

export interface BrokerOptions {
  maxDeliveryCount: number;
  /** Pause before an abandoned message is offered again (Service Bus offers it at once; a pause keeps logs readable). */
  retryDelayMs: number;
  duplicateWindowMs: number;
  maxConcurrentCalls: number;
  maxConcurrentSessions: number;
}

export interface DeliveredMessage {
  body: JsonValue;
  metadata: DeliveryMetadata;
}

export interface DeadLetter extends DeliveredMessage {
  deadLetterReason: string;
  deadLetterErrorDescription: string;
  deadLetteredAtUtc: string;
}

export type Consumer = (message: DeliveredMessage) => Promise<void>;

interface Envelope {
  message: OutgoingMessage;
  enqueuedAt: Date;
  deliveryCount: number;
}

interface QueueState {
  sessions: boolean;
  /** Non-session queue: one FIFO; session queue: one FIFO per session id. */
  lanes: Map<string, Envelope[]>;
  /** Session ids currently locked by a handler (sessions only). */
  locked: Set<string>;
  inFlight: number;
  consumer?: Consumer;
  deadLetters: DeadLetter[];
  seen: Map<string, number>;
}

const NO_SESSION = '';

/**
 * An in-process broker with the Service Bus semantics our handlers rely on: at-least-once delivery
 * with auto-complete, abandon and redelivery until maxDeliveryCount then the dead-letter queue,
 * FIFO sessions (one handler per session, sessions in parallel), duplicate detection by messageId
 * within a window, and scheduled enqueue. Messages live in memory: local development only.
 */
export class LocalBroker implements MessagePublisher {
  private readonly state = new Map<QueueName, QueueState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private accepting = true;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: BrokerOptions) {
    for (const [name, def] of Object.entries(queues) as Array<[QueueName, (typeof queues)[QueueName]]>) {
      this.state.set(name, { sessions: def.sessions, lanes: new Map(), locked: new Set(), inFlight: 0, deadLetters: [], seen: new Map() });
    }
  }

  private queue(name: QueueName): QueueState {
    const q = this.state.get(name);
    if (!q) throw new Error(`unknown queue ${name}`);
    return q;
  }

  async publish(queue: QueueName, messages: OutgoingMessage[]): Promise<void> {
    const q = this.queue(queue);
    const now = Date.now();
    // Ids are inserted in time order, so expired ones are all at the front of the map.
    for (const [id, at] of q.seen) {
      if (now - at <= this.options.duplicateWindowMs) break;
      q.seen.delete(id);
    }
    for (const message of messages) {
      if (!message.messageId) throw new Error('messageId is required');
      if (q.sessions && !message.sessionId) throw new Error(`queue ${queue} requires a sessionId`);
      if (!q.sessions && message.sessionId) throw new Error(`queue ${queue} is not session-enabled`);
      if (q.seen.has(message.messageId)) continue; // duplicate detection: accepted and dropped, as Service Bus does
      q.seen.set(message.messageId, now);
      // The body is copied as JSON so a handler can never share memory with the publisher.
      const copy: OutgoingMessage = { ...message, body: JSON.parse(JSON.stringify(message.body)) as JsonValue };
      const delay = message.scheduledEnqueueTimeUtc ? message.scheduledEnqueueTimeUtc.getTime() - now : 0;
      if (delay > 0) this.later(delay, () => this.enqueue(queue, copy));
      else this.enqueue(queue, copy);
    }
  }

  private enqueue(queue: QueueName, message: OutgoingMessage): void {
    const q = this.queue(queue);
    const lane = q.sessions ? (message.sessionId as string) : NO_SESSION;
    const list = q.lanes.get(lane) ?? [];
    list.push({ message, enqueuedAt: new Date(), deliveryCount: 0 });
    q.lanes.set(lane, list);
    this.pump(queue);
  }

  /** Attaches the function that consumes a queue (the local host does this for each Service Bus trigger). */
  subscribe(queue: QueueName, consumer: Consumer): void {
    this.queue(queue).consumer = consumer;
    this.pump(queue);
  }

  private pump(queue: QueueName): void {
    const q = this.queue(queue);
    if (!q.consumer || !this.accepting) return;
    if (q.sessions) {
      for (const [sessionId, lane] of q.lanes) {
        if (q.locked.size >= this.options.maxConcurrentSessions) break;
        if (lane.length === 0 || q.locked.has(sessionId)) continue;
        q.locked.add(sessionId);
        this.deliver(queue, q, sessionId);
      }
    } else {
      const lane = q.lanes.get(NO_SESSION) ?? [];
      while (q.inFlight < this.options.maxConcurrentCalls && lane.length > 0) this.deliver(queue, q, NO_SESSION);
    }
    this.checkIdle();
  }

  /** Hands the head of a lane to the consumer. Session lanes keep the head until it completes (FIFO). */
  private deliver(queue: QueueName, q: QueueState, lane: string): void {
    const list = q.lanes.get(lane);
    if (!list || list.length === 0) {
      q.locked.delete(lane);
      return;
    }
    const envelope = q.sessions ? (list[0] as Envelope) : (list.shift() as Envelope);
    envelope.deliveryCount += 1;
    q.inFlight += 1;
    const { message } = envelope;
    const delivered: DeliveredMessage = {
      body: JSON.parse(JSON.stringify(message.body)) as JsonValue,
      metadata: {
        messageId: message.messageId,
        deliveryCount: envelope.deliveryCount,
        enqueuedTimeUtc: envelope.enqueuedAt.toISOString(),
        applicationProperties: { ...(message.applicationProperties ?? {}) },
        ...(message.sessionId ? { sessionId: message.sessionId } : {}),
        ...(message.correlationId ? { correlationId: message.correlationId } : {}),
      },
    };
    const consumer = q.consumer as Consumer;
    Promise.resolve()
      .then(() => consumer(delivered))
      .then(
        () => this.settle(queue, q, lane, envelope, undefined),
        (err: unknown) => this.settle(queue, q, lane, envelope, err),
      );
  }

  private settle(queue: QueueName, q: QueueState, lane: string, envelope: Envelope, error: unknown): void {
    q.inFlight -= 1;
    const list = q.lanes.get(lane) ?? [];
    const removeHead = () => {
      if (q.sessions) list.shift();
      if (list.length === 0) q.lanes.delete(lane);
    };
    if (error === undefined) {
      removeHead();
      q.locked.delete(lane);
      this.pump(queue);
      return;
    }
    if (envelope.deliveryCount >= this.options.maxDeliveryCount) {
      removeHead();
      q.locked.delete(lane);
      q.deadLetters.push({
        body: envelope.message.body,
        metadata: {
          messageId: envelope.message.messageId,
          deliveryCount: envelope.deliveryCount,
          enqueuedTimeUtc: envelope.enqueuedAt.toISOString(),
          applicationProperties: { ...(envelope.message.applicationProperties ?? {}) },
          ...(envelope.message.sessionId ? { sessionId: envelope.message.sessionId } : {}),
          ...(envelope.message.correlationId ? { correlationId: envelope.message.correlationId } : {}),
        },
        deadLetterReason: 'MaxDeliveryCountExceeded',
        deadLetterErrorDescription: error instanceof Error ? error.message : String(error),
        deadLetteredAtUtc: new Date().toISOString(),
      });
      this.pump(queue);
      return;
    }
    // Abandon: the message becomes available again after the retry delay; a session keeps its lock,
    // so nothing behind it in the same session overtakes it.
    if (!q.sessions) q.inFlight += 1; // held until it is offered again, so idle() does not fire early
    this.later(this.options.retryDelayMs, () => {
      if (q.sessions) {
        this.deliver(queue, q, lane);
      } else {
        q.inFlight -= 1;
        const l = q.lanes.get(NO_SESSION) ?? [];
        l.unshift(envelope);
        q.lanes.set(NO_SESSION, l);
        this.pump(queue);
      }
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Messages that ended in a queue's dead-letter sub-queue, oldest first. */
  deadLettered(queue: QueueName): DeadLetter[] {
    return [...this.queue(queue).deadLetters];
  }

  /** Removes and returns dead letters (what a dead-letter sweeper does after recording them). */
  takeDeadLetters(queue: QueueName, max = 100): DeadLetter[] {
    return this.queue(queue).deadLetters.splice(0, max);
  }

  /** Active (not yet completed) message count per queue. */
  depth(queue: QueueName): number {
    const q = this.queue(queue);
    let n = 0;
    for (const l of q.lanes.values()) n += l.length;
    return n;
  }

  private busy(): boolean {
    for (const q of this.state.values()) {
      if (q.inFlight > 0) return true;
      if (q.consumer) for (const l of q.lanes.values()) if (l.length > 0) return true;
    }
    return this.timers.size > 0;
  }

  private checkIdle(): void {
    if (this.busy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is in flight, waiting or scheduled: tests and shutdown wait on it. */
  idle(): Promise<void> {
    if (!this.busy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async ready(): Promise<boolean> {
    return this.accepting;
  }

  /** Stops handing out messages and waits for handlers already running. */
  async close(): Promise<void> {
    this.accepting = false;
    const start = Date.now();
    while ([...this.state.values()].some((q) => q.inFlight > 0) && Date.now() - start < 30_000) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
