import { queueFunction } from '../shared/platform/functions.js';
import { auditEventSchema } from '../shared/audit/schema.js';

export default [
  // Session-enabled queue (sessionId = tenantId): one consumer per tenant at a time, in order.
  queueFunction({
    name: 'auditAppend',
    queue: 'audit',
    schema: auditEventSchema,
    handler: async ({ app, message, log }) => {
      const outcome = await app.audit.append(message);
      log.debug('audit event processed', { eventId: message.id, outcome });
    },
  }),
];
