import type { HttpRequest } from '@azure/functions';
import type { Principal } from './principal.js';

/**
 * Establishes who is calling from the request's credentials (bearer access token).
 * With `optional`, a request without credentials yields undefined; otherwise it throws a 401
 * problem. Invalid credentials always throw.
 */
export interface Authenticator {
  authenticate(req: HttpRequest, optional: boolean): Promise<Principal | undefined>;
}

/** Where denied requests (401/403) are reported, so failed authentication and authorization are audited. */
export interface SecurityEventSink {
  denied(info: {
    status: number;
    principal: Principal | undefined;
    method: string;
    path: string;
    ip: string;
    userAgent: string;
    correlationId: string;
  }): Promise<void>;
}
