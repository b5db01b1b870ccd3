import type { Platform } from '../app.js';
import type { Authenticator, SecurityEventSink } from '../access/authenticator.js';
import { unauthorized } from '../http/problem.js';
import { auditMessage } from '../audit/event.js';

export interface Identity {
  authenticator: Authenticator;
  securityEvents: SecurityEventSink;
}

export async function createIdentity(platform: Platform): Promise<Identity> {
  const authenticator: Authenticator = {
    async authenticate(req, optional) {
      if (!req.headers.get('authorization') && optional) return undefined;
      throw unauthorized();
    },
  };
  const securityEvents: SecurityEventSink = {
    async denied(info) {
      if (!info.principal) {
        platform.log.info('unauthenticated request denied', { status: info.status, path: info.path, correlationId: info.correlationId });
        return;
      }
      await platform.outbox.emit(info.principal.tenantId, [
        auditMessage({
          tenantId: info.principal.tenantId,
          actor: { type: 'user', id: info.principal.userId },
          action: 'auth.access_denied',
          outcome: 'denied',
          correlationId: info.correlationId,
          details: { method: info.method, path: info.path, status: info.status },
        }),
      ]);
    },
  };
  return { authenticator, securityEvents };
}
