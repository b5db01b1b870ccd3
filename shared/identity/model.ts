import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import type { PropertyScope } from '../access/principal.js';
import { PRIVILEGED_PERMISSIONS, type Permission } from '../access/permissions.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './passwords/policy.js';

export type UserStatus = 'invited' | 'active' | 'disabled' | 'redacted';

/** One role held by a user, over all properties or a list of them. */
export interface RoleAssignment {
  roleId: string;
  scope: PropertyScope;
  /**
   * The Entra group whose mapping granted it (SSO): such an assignment follows the group, checked
   * at each SSO sign-in. Absent for assignments an admin made.
   */
  group?: string;
}

/** The same role over the same properties, whoever granted it. */
export function sameGrant(a: RoleAssignment, b: RoleAssignment): boolean {
  return a.roleId === b.roleId && JSON.stringify(a.scope) === JSON.stringify(b.scope);
}

/** The personal fields of a user, each sealed under the user's own data key. */
export interface SealedProfile {
  firstName: Sealed;
  lastName: Sealed;
  email: Sealed;
  jobTitle?: Sealed;
  employeeNumber?: Sealed;
}

export interface Profile {
  firstName: string;
  lastName: string;
  email: string;
  jobTitle?: string | undefined;
  employeeNumber?: string | undefined;
}

export interface LockoutState {
  /** Epoch milliseconds of recent failed logins inside the counting window. */
  failures: number[];
  lockedUntil?: string;
  /** How many times the account was locked since the last successful login (drives the back-off). */
  lockCount: number;
}

/** A user account in the `identity` container (id = user id). */
export interface UserItem extends Item, OutboxCarrier {
  type: 'user';
  status: UserStatus;
  enc: SealedProfile;
  /** Blind index of the e-mail (keyed HMAC), for the uniqueness index item. */
  emailIndex: string;
  passwordHash?: string;
  passwordChangedAt?: string;
  roles: RoleAssignment[];
  /** Permissions version: bumped on every change of the user's roles or of a role they hold. */
  pv: number;
  lockout: LockoutState;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

/** The e-mail uniqueness entry: its id is derived from the blind index, so a second create is a 409. */
export interface EmailIndexItem extends Item {
  type: 'emailIndex';
  userId: string;
}

export function emailIndexId(blind: string): string {
  return `email:${blind}`;
}

export interface RoleItem extends Item, OutboxCarrier {
  type: 'role';
  name: string;
  description: string;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SessionItem extends Item, OutboxCarrier {
  type: 'session';
  userId: string;
  amr: string[];
  authTime: number;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  revokedAt?: string;
  revokedReason?: string;
  /** Client details, sealed under the user's key. */
  enc?: { ip?: Sealed; userAgent?: Sealed };
}

export function sessionItemId(sid: string): string {
  return `session:${sid}`;
}

/** A refresh token, stored by the SHA-256 of its value; `usedAt` marks it rotated (single use). */
export interface RefreshTokenItem extends Item {
  type: 'refreshToken';
  sessionId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

/** A single-use invitation token, stored by the SHA-256 of its value. */
export interface InvitationItem extends Item {
  type: 'invitation';
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface LockoutPolicy {
  maxFailures: number;
  windowMinutes: number;
  /** First lock duration; each further lock doubles it, up to `maxLockMinutes`. */
  lockMinutes: number;
  maxLockMinutes: number;
}

export interface SessionPolicy {
  idleHours: number;
  absoluteDays: number;
}

export interface MfaPolicy {
  /** Roles (by id) whose holders must use a second factor. */
  requiredForRoles: string[];
  /**
   * Permissions whose holders must use a second factor, whatever role (built-in or custom, assigned
   * or granted through an SSO group) gives them: the policy follows what a role allows, not its name.
   */
  requiredForPermissions: Permission[];
}

/** Planning approvals: whether a submitter may approve their own version (four eyes by default). */
export interface PlanningPolicy {
  selfApproval: boolean;
}

export interface TenantSettings {
  password: PasswordPolicy;
  mfa: MfaPolicy;
  lockout: LockoutPolicy;
  session: SessionPolicy;
  /** Absent in settings stored before planning existed (and callers that set only the other policies): the default applies. */
  planning?: PlanningPolicy;
}

export const DEFAULT_PLANNING_POLICY: Readonly<PlanningPolicy> = { selfApproval: false };

/** A new tenant's MFA policy: the built-in roles that administer or support, and every privileged permission. */
export const DEFAULT_MFA_POLICY: Readonly<MfaPolicy> = { requiredForRoles: ['owner', 'admin', 'agent'], requiredForPermissions: [...PRIVILEGED_PERMISSIONS] };

/** The MFA policy of a deployment that turns the default off (MFA_REQUIRE_BY_DEFAULT=false): nobody by role or permission. */
export const NO_MFA_POLICY: Readonly<MfaPolicy> = { requiredForRoles: [], requiredForPermissions: [] };

export function defaultSettings(session: SessionPolicy, mfa: Readonly<MfaPolicy> = DEFAULT_MFA_POLICY): TenantSettings {
  return {
    password: { ...DEFAULT_PASSWORD_POLICY },
    mfa: { requiredForRoles: [...mfa.requiredForRoles], requiredForPermissions: [...mfa.requiredForPermissions] },
    lockout: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15, maxLockMinutes: 24 * 60 },
    session: { ...session },
    planning: { ...DEFAULT_PLANNING_POLICY },
  };
}

export interface SettingsItem extends Item, OutboxCarrier, TenantSettings {
  type: 'tenantSettings';
  updatedAt: string;
}
