import type { Permission } from './permissions.js';

/** Which properties a principal's permissions apply to. */
export type PropertyScope = { all: true } | { all: false; propertyIds: string[] };

/**
 * Who is calling, as established from a verified token: never from the request body.
 * `tenantId` is the tenant the token was issued for; every store access is scoped to it.
 */
export interface Principal {
  kind: 'user' | 'platform-operator' | 'support-agent';
  tenantId: string;
  userId: string;
  sessionId: string;
  /** Authentication methods, e.g. ['pwd', 'otp']. */
  amr: string[];
  /** Seconds since epoch of the last primary or second-factor authentication (for re-authentication checks). */
  authTime: number;
  /** Permission → the properties it applies to. */
  grants: Map<Permission, PropertyScope>;
  /** Set when a support agent acts under a customer-approved grant. */
  supportGrantId?: string;
}
