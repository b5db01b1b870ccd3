/**
 * The permission catalogue: every permission a role can hold, with what it allows. Served at
 * GET /api/v1/permissions and documented in docs/security.md.
 */
export const PERMISSIONS = {
  'users.read': 'List and read users of the tenant.',
  'users.manage': 'Invite, update, disable, enable, unlock and remove users; assign roles.',
  'roles.manage': 'Create, update and delete custom roles.',
  'settings.manage': 'Change tenant settings: password, MFA, lockout, session and SSO policies.',
  'properties.manage': 'Create and update properties and their departments.',
  'integrations.manage': 'Manage source-system integrations and their signing secrets; replay imports.',
  'imports.read': 'Read import status, errors and integration health.',
  'reports.rp.read': 'Read Revenue & Productivity reports.',
  'reports.pnl.read': 'Read profit & loss reports.',
  'payroll.read': 'See labour cost and payroll figures in reports.',
  'audit.read': 'Read, verify and export the tenant audit log.',
  'audit.read.network': 'See IP addresses and user agents in the audit log.',
  'privacy.manage': 'Start redactions and data-subject exports.',
  'support.grants.manage': 'Approve and revoke platform support access grants.',
  'planning.read': 'Read budget, forecast and target versions, period locks, pending adjustments, labour forecasts and scenarios.',
  'planning.submit': 'Upload budget, forecast, target and manual-actual versions, submit them for approval, and build what-if scenarios.',
  'planning.approve': 'Approve or reject submitted planning versions, lock and unlock periods, approve or discard pending adjustments.',
  'sustainability.read': 'Read sustainability (GoGreen) consumption, emissions, targets and anomalies.',
  'sustainability.manage': 'Record consumption and property facts, maintain emission factors and set reduction targets.',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/**
 * The permissions that administer the tenant itself: who may act, with what rights, under which
 * policies, with which outside systems, over whose personal data and with which platform support.
 * Whoever holds one of them, through whatever role, holds the tenant: the default MFA policy requires
 * a second factor of every holder (`mfa.requiredForPermissions`, docs/security.md).
 */
export const PRIVILEGED_PERMISSIONS: readonly Permission[] = [
  'users.manage',
  'roles.manage',
  'settings.manage',
  'integrations.manage',
  'privacy.manage',
  'support.grants.manage',
];
