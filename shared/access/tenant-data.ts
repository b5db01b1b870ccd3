import type { Permission } from './permissions.js';
import type { Principal, PropertyScope } from './principal.js';
import { authorize } from './authorize.js';
import { forbidden } from '../http/problem.js';

/** A customer-approved support grant as the access kernel needs it. */
export interface ActiveGrant {
  grantId: string;
  permissions: Permission[];
}

/**
 * Finds the support grant under which a platform person may act in a tenant (implemented by the
 * support-grant module: approved by the tenant, naming this platform user, not expired, not revoked).
 */
export interface SupportGrantLookup {
  activeGrant(tenantId: string, platformUserId: string, permission: Permission): Promise<ActiveGrant | undefined>;
}

/**
 * What a route reads or does in the tenant:
 * - `personal`: personal data of the tenant's people (names, e-mails, IPs, profiles, audit entries);
 * - `non-personal`: nothing personal leaves (a verification result, a job status) or the route only
 *   starts work a platform operator is entitled to start (a redaction for a verified tenant contact).
 */
export type DataKind = 'personal' | 'non-personal';

export interface TenantDataAccess {
  /** The tenant whose data is read. */
  tenantId: string;
  /**
   * The principal to act and audit as. For a platform operator reading personal data it carries the
   * grant (`supportGrantId`, and the grant's permissions as its own), so the audit event of the read
   * names the grant and `holds()` answers from the grant.
   */
  principal: Principal;
}

const ALL: PropertyScope = { all: true };

/**
 * The one rule for reading a tenant's data, for every route that takes a `tenantId`:
 *
 * - tenant users and support agents (whose token is bound to a grant) read their own tenant only,
 *   with `permission` (another tenant's data is a 404, as `authorize()` answers);
 * - a platform operator names the tenant. Non-personal data: allowed. Personal data: only under an
 *   approved, active support grant of that tenant that names the operator and includes
 *   `permission`, else 403 — platform operators hold no tenant permission of their own
 *   (docs/security.md, "Platform access to tenant data"). Their own tenant (`_platform`) is theirs.
 *
 * @example
 * const { tenantId, principal: reader } = await tenantDataAccess(principal, query.tenantId, 'privacy.manage', 'personal', grants, 'user');
 */
export async function tenantDataAccess(
  principal: Principal,
  requestedTenantId: string | undefined,
  permission: Permission,
  kind: DataKind,
  grants: SupportGrantLookup,
  objectKind = 'tenant data',
): Promise<TenantDataAccess> {
  if (principal.kind !== 'platform-operator') {
    authorize(principal, permission, { tenantId: requestedTenantId ?? principal.tenantId, kind: objectKind });
    return { tenantId: principal.tenantId, principal };
  }
  const tenantId = requestedTenantId ?? principal.tenantId;
  if (kind === 'non-personal' || tenantId === principal.tenantId) return { tenantId, principal };
  const grant = await grants.activeGrant(tenantId, principal.userId, permission);
  if (!grant) {
    throw forbidden(
      `Platform operators read a tenant's personal data only under a support grant that tenant approved: ask the tenant to approve a grant with '${permission}' for you.`,
    );
  }
  return {
    tenantId,
    principal: { ...principal, grants: new Map(grant.permissions.map((p) => [p, ALL])), supportGrantId: grant.grantId },
  };
}
