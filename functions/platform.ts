import { z } from 'zod';
import { platformOnly } from '../shared/http/route.js';
import { queues, type QueueName } from '../shared/platform/topology.js';
import { timerFunction, route } from './triggers.js';

const queueNames = Object.keys(queues) as [QueueName, ...QueueName[]];

const deadLetterSchema = z.object({
  queue: z.enum(queueNames),
  messageId: z.string(),
  sessionId: z.string().optional(),
  correlationId: z.string().optional(),
  deliveryCount: z.number().int(),
  enqueuedTimeUtc: z.string(),
  deadLetterReason: z.string(),
  deadLetterErrorDescription: z.string(),
  subject: z.string().optional(),
  body: z.unknown(),
});

export default [
  // Publishes outbox messages whose writer died (or whose bus call failed) between commit and publish.
  timerFunction({
    name: 'outboxRelay',
    schedule: '%OUTBOX_RELAY_SCHEDULE%',
    runOnStartup: true,
    handler: async ({ app }) => {
      await app.outbox.relay(app.config.OUTBOX_RELAY_MIN_AGE_SECONDS);
    },
  }),

  route({
    name: 'listDeadLetters',
    method: 'GET',
    route: 'v1/platform/dead-letters',
    access: platformOnly,
    summary: 'Peek at the dead-lettered messages of a queue (they stay until handled)',
    tags: ['platform'],
    query: z.strictObject({ queue: z.enum(queueNames), limit: z.coerce.number().int().min(1).max(100).default(50) }),
    responses: { 200: { description: 'Dead letters, oldest first', schema: z.object({ items: z.array(deadLetterSchema) }) } },
    handler: async ({ app, query }) => ({ json: { items: await app.deadLetters.peek(query.queue, query.limit) } }),
  }),
];
