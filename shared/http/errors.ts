import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Principal } from '../access/principal.js';
import type { SecurityEventSink } from '../access/authenticator.js';
import { StoreError } from '../platform/cosmos/errors.js';
import { SubjectRedactedError } from '../platform/crypto/errors.js';
import type { Log } from '../platform/log.js';
import { errorMessage } from '../platform/log.js';
import { ConfigError } from '../platform/config.js';
import {
  ProblemError,
  badRequest,
  conflict,
  internalErrorBody,
  notFound,
  preconditionFailed,
  problemBody,
  serviceUnavailable,
} from './problem.js';

export interface ErrorContext {
  instance: string;
  correlationId: string;
  headers: Record<string, string>;
  log: Log;
  /** Where denied requests are reported; undefined when the app could not be built. */
  securityEvents: SecurityEventSink | undefined;
  principal: Principal | undefined;
  req: HttpRequest;
  ip: string;
}

/** Maps known failures to problems; anything else becomes an opaque 500 and an error log. */
export function toProblem(err: unknown): ProblemError | undefined {
  if (err instanceof ProblemError) return err;
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'not_found':
        return notFound();
      case 'conflict':
        return conflict('The resource already exists or was changed concurrently.');
      case 'precondition_failed':
        return preconditionFailed();
      case 'invalid_id':
        // The edge validates every id it takes; this is the store's second line (item-id.ts).
        return badRequest('An identifier in the request is not valid.');
      case 'unavailable':
        return serviceUnavailable('The data store is busy; retry shortly.', Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000)));
    }
  }
  if (err instanceof SubjectRedactedError) return conflict('This person has been redacted.');
  if (err instanceof ConfigError) return serviceUnavailable('The service is misconfigured.', 60);
  return undefined;
}

/**
 * The single error mapping for HTTP: RFC 9457 problem+json with the correlation id, never a stack
 * trace. Denied requests are reported to the app's security-event sink (audited).
 */
export async function toErrorResponse(err: unknown, ctx: ErrorContext): Promise<HttpResponseInit> {
  const problem = toProblem(err);
  const headers = { ...ctx.headers, 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store' };
  if (!problem) {
    ctx.log.error('unhandled error', { error: errorMessage(err), stack: err instanceof Error ? err.stack : undefined });
    return { status: 500, headers, body: JSON.stringify(internalErrorBody(ctx.instance, ctx.correlationId)) };
  }
  if (problem.status >= 500) ctx.log.warn('request failed', { status: problem.status, error: errorMessage(err) });
  if ((problem.status === 401 || problem.status === 403) && ctx.securityEvents) {
    try {
      await ctx.securityEvents.denied({
        status: problem.status,
        principal: ctx.principal,
        method: ctx.req.method,
        path: ctx.instance,
        ip: ctx.ip,
        userAgent: ctx.req.headers.get('user-agent') ?? '',
        correlationId: ctx.correlationId,
      });
    } catch (auditErr) {
      ctx.log.error('could not record denied request', { error: errorMessage(auditErr) });
    }
  }
  return {
    status: problem.status,
    headers: { ...headers, ...problem.headers },
    body: JSON.stringify(problemBody(problem, ctx.instance, ctx.correlationId)),
  };
}
