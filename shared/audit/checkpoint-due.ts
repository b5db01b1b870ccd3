import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MessagePublisher } from '../platform/bus/types.js';

/**
 * The message that asks for a checkpoint of one tenant's chain. It travels on the `audit` queue in
 * the tenant's session, so it is handled after the appends queued before it, by the one consumer
 * that holds the session.
 */
export interface CheckpointDue {
  type: 'auditCheckpointDue';
  tenantId: string;
}

export const checkpointDueSchema: z.ZodType<CheckpointDue> = z.strictObject({
  type: z.literal('auditCheckpointDue'),
  tenantId: z.string().min(1).max(128),
});

/**
 * Bounds how long a tenant's newest entries stay unsigned: after an append, asks for a checkpoint at
 * the end of the current window of `delayMs` (so at most `delayMs` later).
 *
 * Time is cut into windows of `delayMs`; the request for window k is one scheduled message with the
 * message id `checkpoint-due:<tenant>:<k>`, due at the start of window k+1. Every instance and every
 * append in window k asks for the same id, and the bus's duplicate detection (Service Bus and the
 * in-process broker alike) keeps one: at most one checkpoint per tenant per window, and only for
 * tenants that appended. This process remembers the last window it asked for per tenant, so the
 * append path publishes once per tenant per window, not once per event.
 *
 * @example
 * const due = new CheckpointScheduler(bus, 60_000);
 * await due.appended('tenant-a'); // a checkpoint of tenant-a within 60 s
 */
export class CheckpointScheduler {
  private readonly asked = new Map<string, number>();

  constructor(
    private readonly bus: Pick<MessagePublisher, 'publish'>,
    /** 0 turns prompt checkpoints off (the checkpoint timer alone signs). */
    private readonly delayMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async appended(tenantId: string): Promise<void> {
    if (this.delayMs <= 0) return;
    const window = Math.floor(this.now() / this.delayMs);
    if (this.asked.get(tenantId) === window) return;
    // Service Bus message ids are at most 128 characters; tenant ids may be as long themselves.
    const tenantKey = createHash('sha256').update(tenantId).digest('hex').slice(0, 32);
    const body: CheckpointDue = { type: 'auditCheckpointDue', tenantId };
    await this.bus.publish('audit', [
      {
        messageId: `checkpoint-due:${tenantKey}:${window}`,
        sessionId: tenantId,
        subject: 'audit.checkpoint_due',
        body: { ...body },
        scheduledEnqueueTimeUtc: new Date((window + 1) * this.delayMs),
      },
    ]);
    // Remembered only once published: a failed publish fails the append's delivery, and its retry asks again.
    this.asked.set(tenantId, window);
  }
}
