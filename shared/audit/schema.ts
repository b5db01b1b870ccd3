import { z } from 'zod';
import type { AuditEvent } from './event.js';

const sealed = z.strictObject({ v: z.literal(1), s: z.string().min(1), c: z.string().min(1) });

/** Validates audit events as they come off the queue. */
export const auditEventSchema: z.ZodType<AuditEvent> = z.strictObject({
  // Checkpoints and verification notes claim these prefixes in the container's /eventId unique key.
  id: z
    .string()
    .min(1)
    .max(128)
    .refine((id) => !/^(checkpoint|verified):/.test(id), 'event ids starting with checkpoint: or verified: are reserved'),
  tenantId: z.string().min(1).max(128),
  occurredAt: z.iso.datetime({ offset: true }),
  actor: z.strictObject({
    type: z.enum(['user', 'platform-operator', 'support-agent', 'integration', 'system']),
    id: z.string().min(1),
    display: sealed.optional(),
    supportGrantId: z.string().optional(),
  }),
  action: z.string().regex(/^[a-z]+(\.[a-z_]+)+$/),
  target: z.strictObject({ type: z.string().min(1), id: z.string().min(1), display: sealed.optional() }).optional(),
  outcome: z.enum(['success', 'failure', 'denied']),
  changes: z.record(z.string(), z.object({ before: z.unknown().optional(), after: z.unknown().optional() })).optional(),
  ip: sealed.optional(),
  userAgent: sealed.optional(),
  correlationId: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}) as z.ZodType<AuditEvent>;
