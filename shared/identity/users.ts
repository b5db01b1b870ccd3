import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { badRequest, conflict, notFound } from '../http/problem.js';
import { checkIfMatch } from '../http/etag.js';
import type { Principal, PropertyScope } from '../access/principal.js';
import { authorize } from '../access/authorize.js';
import { assertMayChangeAssignments, assertMayManageHolder, type RoleCatalogue } from '../access/delegation.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import {
  emailIndexId,
  sameGrant,
  type EmailIndexItem,
  type InvitationItem,
  type Profile,
  type RoleAssignment,
  type SealedProfile,
  type UserItem,
  type UserStatus,
} from './model.js';
import type { PasswordHasher } from './passwords/hasher.js';
import { checkPassword } from './passwords/policy.js';
import type { TenantService } from './tenants.js';
import { webAppLink, type EmailSender } from './mail.js';
import { OWNER_ROLE } from './roles.js';
import { isLocked, recordFailure } from './lockout.js';

const PROFILE_FIELDS = ['firstName', 'lastName', 'email', 'jobTitle', 'employeeNumber'] as const;

/** A user as the API shows it: profile opened, secrets left out. */
export interface UserView {
  id: string;
  status: UserStatus;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  jobTitle: string | null;
  employeeNumber: string | null;
  roles: RoleAssignment[];
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Tokens that travel to a client carry their tenant, so they can be looked up in its partition. */
export function splitTenantToken(token: string): { tenantId: string; secret: string } | undefined {
  const dot = token.lastIndexOf('.');
  if (dot <= 0 || dot === token.length - 1) return undefined;
  return { tenantId: token.slice(0, dot), secret: token.slice(dot + 1) };
}

export function newTenantToken(tenantId: string): string {
  return `${tenantId}.${randomBytes(32).toString('base64url')}`;
}

/** What administering users needs from the rest of identity (wired by createIdentity, which builds those after this service). */
export interface UserAdministrationPorts {
  /** Ends every session of a user: a disabled account keeps none (ASVS 7.4.2). */
  endSessions(tenantId: string, userId: string, reason: string): Promise<unknown>;
  /** Throws 403 unless the principal signed in, or re-authenticated, within REAUTH_MAX_AGE_SECONDS. */
  assertRecentAuthentication(principal: Principal): void;
}

/** Accounts in the `identity` container: personal fields sealed per user, e-mail unique by blind index. */
export class UserService {
  constructor(
    private readonly platform: Platform,
    private readonly hasher: PasswordHasher,
    private readonly tenants: TenantService,
    private readonly mail: EmailSender,
    /** Called after any change that affects sessions or grants (clears the authenticator's caches). */
    private readonly changed: () => void,
    /** Every role the tenant can assign (built-in and custom), for the delegation checks. */
    private readonly roleDefinitions: (tenantId: string) => Promise<RoleCatalogue>,
    private readonly ports: UserAdministrationPorts,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<UserItem>('identity', tenantId);
  }

  async get(tenantId: string, userId: string): Promise<UserItem | undefined> {
    const item = await this.col(tenantId).read<UserItem>(userId);
    return item?.type === 'user' ? item : undefined;
  }

  async require(tenantId: string, userId: string): Promise<UserItem> {
    const item = await this.get(tenantId, userId);
    if (!item) throw notFound('user');
    return item;
  }

  async findByEmail(tenantId: string, email: string): Promise<UserItem | undefined> {
    const blind = await this.platform.blindIndex.compute(tenantId, 'email', email);
    const entry = await this.platform.store.collection<EmailIndexItem>('identity', tenantId).read(emailIndexId(blind));
    if (!entry || entry.type !== 'emailIndex') return undefined;
    return this.get(tenantId, entry.userId);
  }

  async profile(user: UserItem): Promise<Partial<Profile>> {
    const out: Partial<Profile> = {};
    for (const field of PROFILE_FIELDS) {
      const sealed = user.enc?.[field];
      if (!sealed) continue;
      const opened = await this.platform.cipher.open({ tenantId: user.tenantId, subjectId: user.id, field: `user.${field}` }, sealed);
      if (!opened.redacted) out[field] = opened.value;
    }
    return out;
  }

  async view(user: UserItem): Promise<UserView> {
    const p = await this.profile(user);
    return {
      id: user.id,
      status: user.status,
      firstName: p.firstName ?? null,
      lastName: p.lastName ?? null,
      email: p.email ?? null,
      jobTitle: p.jobTitle ?? null,
      employeeNumber: p.employeeNumber ?? null,
      roles: user.roles,
      locked: Boolean(user.lockout.lockedUntil && Date.parse(user.lockout.lockedUntil) > Date.now()),
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
      lastLoginAt: user.lastLoginAt ?? null,
    };
  }

  private async seal(tenantId: string, userId: string, profile: Partial<Profile>): Promise<Partial<SealedProfile>> {
    const out: Partial<SealedProfile> = {};
    for (const field of PROFILE_FIELDS) {
      const value = profile[field];
      if (value === undefined || value === null || value === '') continue;
      out[field] = await this.platform.cipher.seal({ tenantId, subjectId: userId, field: `user.${field}` }, value);
    }
    return out;
  }

  private async claimEmail(tenantId: string, email: string, userId: string): Promise<string> {
    const blind = await this.platform.blindIndex.compute(tenantId, 'email', email);
    try {
      await this.platform.store.collection<EmailIndexItem>('identity', tenantId).create({ id: emailIndexId(blind), tenantId, type: 'emailIndex', userId });
    } catch (err) {
      if (isStoreError(err, 'conflict')) throw conflict('A user with this e-mail address already exists in the tenant.');
      throw err;
    }
    return blind;
  }

  /** Checks a new password against the tenant policy and the user's own details; 400 with reasons. */
  async assertAcceptablePassword(tenantId: string, password: string, profile: Partial<Profile>, field = 'body.password'): Promise<void> {
    const [settings, tenant] = await Promise.all([this.tenants.settings(tenantId), this.tenants.get(tenantId)]);
    const problems = await checkPassword(password, settings.password, { ...profile, tenantName: tenant?.name, tenantSlug: tenant?.slug });
    if (problems.length > 0) throw badRequest('The password does not meet the password policy.', problems.map((message) => ({ field, message })));
  }

  /**
   * Creates an account. With a password it is active at once (bootstrap, demo seed); without, it is
   * invited and an invitation with a single-use, expiring token is e-mailed.
   */
  async create(
    tenantId: string,
    input: Profile & { roles: RoleAssignment[]; password?: string },
    actor: EventActor | undefined,
    meta: RequestMeta,
  ): Promise<UserItem> {
    const id = randomUUID();
    if (input.password !== undefined) await this.assertAcceptablePassword(tenantId, input.password, input);
    const blind = await this.claimEmail(tenantId, input.email, id);
    try {
      const now = new Date().toISOString();
      const item: UserItem = {
        id,
        tenantId,
        type: 'user',
        status: input.password !== undefined ? 'active' : 'invited',
        enc: (await this.seal(tenantId, id, input)) as SealedProfile,
        emailIndex: blind,
        roles: input.roles,
        pv: 1,
        lockout: { failures: [], lockCount: 0 },
        createdAt: now,
        updatedAt: now,
      };
      if (input.password !== undefined) {
        item.passwordHash = await this.hasher.hash(input.password);
        item.passwordChangedAt = now;
      }
      const event = await auditEvent(this.platform.cipher, {
        tenantId,
        ...(actor ? { actor } : {}),
        action: input.password !== undefined ? 'user.created' : 'user.invited',
        target: { type: 'user', id },
        details: { roles: input.roles.map((r) => r.roleId).join(',') },
        ...meta,
      });
      const created = await this.platform.outbox.commit('identity', 'create', item, [event]);
      if (input.password === undefined) await this.sendInvitation(created, input.email);
      return created;
    } catch (err) {
      await this.platform.store.collection('identity', tenantId).delete(emailIndexId(blind));
      throw err;
    }
  }

  /** Issues a fresh invitation token and e-mails it. Earlier invitations of the user stay valid until they expire. */
  async sendInvitation(user: UserItem, email: string): Promise<void> {
    const token = newTenantToken(user.tenantId);
    const now = Date.now();
    await this.platform.store.collection<InvitationItem>('identity', user.tenantId).create({
      id: `invitation:${sha256(token)}`,
      tenantId: user.tenantId,
      type: 'invitation',
      userId: user.id,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.platform.config.INVITATION_TTL_HOURS * 3_600_000).toISOString(),
    });
    const tenant = await this.tenants.get(user.tenantId);
    const link = webAppLink(this.platform.config.WEB_APP_URL, 'accept-invitation', token);
    await this.mail.send({
      to: email,
      subject: `You are invited to ${tenant?.name ?? 'PMI Platform'}`,
      link,
      text: [
        `You have been invited to ${tenant?.name ?? 'PMI Platform'} (tenant '${tenant?.slug ?? user.tenantId}').`,
        `Set your password within ${this.platform.config.INVITATION_TTL_HOURS} hours: ${link}`,
        `Invitation token: ${token}`,
      ].join('\n'),
    });
  }

  /** Accepts an invitation: single use (the token item is deleted), expiring, password checked by policy. */
  async acceptInvitation(token: string, password: string, meta: RequestMeta): Promise<UserItem> {
    const parts = splitTenantToken(token);
    const invalid = badRequest('The invitation is invalid or has expired.', [{ field: 'body.token', message: 'invalid or expired' }]);
    if (!parts) throw invalid;
    const col = this.platform.store.collection<InvitationItem>('identity', parts.tenantId);
    const invitation = await col.read<InvitationItem>(`invitation:${sha256(token)}`);
    if (!invitation || invitation.type !== 'invitation') throw invalid;
    if (Date.parse(invitation.expiresAt) <= Date.now()) {
      await col.delete(invitation.id);
      throw invalid;
    }
    const user = await this.get(parts.tenantId, invitation.userId);
    if (!user || user.status !== 'invited') throw invalid;
    await this.assertAcceptablePassword(user.tenantId, password, await this.profile(user));
    try {
      // Deleting with the read ETag makes the token single-use even under concurrent accepts.
      await this.platform.store
        .collection<InvitationItem>('identity', parts.tenantId)
        .patch(invitation.id, [{ op: 'set', path: '/expiresAt', value: new Date(0).toISOString() }], invitation._etag);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'not_found')) throw invalid;
      throw err;
    }
    await col.delete(invitation.id);
    const now = new Date().toISOString();
    const next: UserItem = { ...user, status: 'active', passwordHash: await this.hasher.hash(password), passwordChangedAt: now, updatedAt: now };
    const event = await auditEvent(this.platform.cipher, {
      tenantId: user.tenantId,
      actor: { type: 'user', id: user.id },
      action: 'user.invitation_accepted',
      target: { type: 'user', id: user.id },
      ...meta,
    });
    return this.platform.outbox.commit('identity', 'replace', next, [event], user._etag);
  }

  async list(tenantId: string, pageSize: number, continuation?: string) {
    return this.col(tenantId).page<UserItem>("SELECT * FROM c WHERE c.type = 'user' ORDER BY c.createdAt", {}, { pageSize, ...(continuation ? { continuation } : {}) });
  }

  async all(tenantId: string): Promise<UserItem[]> {
    return this.col(tenantId).all<UserItem>("SELECT * FROM c WHERE c.type = 'user'");
  }

  /** Writes a changed user with its audit event, conditioned on the ETag it was read with. */
  async save(user: UserItem, action: string, actor: EventActor | undefined, meta: RequestMeta, extra: { details?: Record<string, string | number | boolean | null>; changes?: Record<string, { before?: unknown; after?: unknown }> } = {}): Promise<UserItem> {
    const event = await auditEvent(this.platform.cipher, {
      tenantId: user.tenantId,
      ...(actor ? { actor } : {}),
      action,
      target: { type: 'user', id: user.id },
      ...extra,
      ...meta,
    });
    const next = { ...user, updatedAt: new Date().toISOString() };
    const saved = await this.platform.outbox.commit('identity', 'replace', next, [event], user._etag);
    this.changed();
    return saved;
  }

  /**
   * Read-modify-write of a user that retries when someone else wrote in between (parallel logins of
   * one account must all count: a lost failure would weaken the lockout). Returns undefined when the
   * user no longer exists.
   */
  async mutate(
    tenantId: string,
    userId: string,
    change: (user: UserItem) => UserItem,
    action: string,
    actor: EventActor | undefined,
    meta: RequestMeta,
    extra: (user: UserItem) => { details?: Record<string, string | number | boolean | null> } = () => ({}),
  ): Promise<UserItem | undefined> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(tenantId, userId);
      if (!current) return undefined;
      const next = change(current);
      try {
        return await this.save(next, action, actor, meta, extra(next));
      } catch (err) {
        if (!isStoreError(err, 'precondition_failed') || attempt >= 7) throw err;
      }
    }
  }

  /**
   * Counts a failed proof of identity (password, second factor) towards the user's lockout under the
   * tenant's policy and audits it as `action`, with the failure count and whether the account is now locked.
   */
  async recordFailedProof(user: UserItem, action: string, details: Record<string, string | number | boolean | null>, meta: RequestMeta, now: number): Promise<UserItem | undefined> {
    const settings = await this.tenants.settings(user.tenantId);
    return this.mutate(
      user.tenantId,
      user.id,
      (u) => ({ ...u, lockout: recordFailure(u.lockout, settings.lockout, now).state }),
      action,
      { type: 'user', id: user.id },
      meta,
      (u) => ({ details: { ...details, failures: u.lockout.failures.length, locked: isLocked(u.lockout, now) } }),
    );
  }

  async updateProfile(tenantId: string, userId: string, patch: Partial<Profile>, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<UserItem> {
    const user = await this.require(tenantId, userId);
    checkIfMatch(ifMatch, user);
    if (user.status === 'redacted') throw conflict('This person has been redacted.');
    let emailIndex = user.emailIndex;
    let oldIndex: string | undefined;
    if (patch.email !== undefined) {
      const blind = await this.platform.blindIndex.compute(tenantId, 'email', patch.email);
      if (blind !== user.emailIndex) {
        emailIndex = await this.claimEmail(tenantId, patch.email, userId);
        oldIndex = user.emailIndex;
      }
    }
    const sealed = await this.seal(tenantId, userId, patch);
    const next: UserItem = { ...user, emailIndex, enc: { ...user.enc, ...sealed } };
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    try {
      const saved = await this.save(next, 'user.updated', actor, meta, { details: { fields: fields.join(',') } });
      if (oldIndex) await this.platform.store.collection('identity', tenantId).delete(emailIndexId(oldIndex));
      return saved;
    } catch (err) {
      if (oldIndex) await this.platform.store.collection('identity', tenantId).delete(emailIndexId(emailIndex));
      throw err;
    }
  }

  async setPassword(user: UserItem, password: string, action: string, actor: EventActor, meta: RequestMeta): Promise<UserItem> {
    await this.assertAcceptablePassword(user.tenantId, password, await this.profile(user), 'body.newPassword');
    const now = new Date().toISOString();
    return this.save({ ...user, passwordHash: await this.hasher.hash(password), passwordChangedAt: now }, action, actor, meta);
  }

  /** A user the principal may read (404 outside their tenant). */
  async readable(principal: Principal, userId: string): Promise<UserItem> {
    const user = await this.require(principal.tenantId, userId);
    authorize(principal, 'users.read', { tenantId: user.tenantId, kind: 'user' });
    return user;
  }

  /** A user the principal may read, with the view the API shows of it. */
  async read(principal: Principal, userId: string): Promise<{ user: UserItem; view: UserView }> {
    const user = await this.readable(principal, userId);
    return { user, view: await this.view(user) };
  }

  /**
   * Changes a user's profile on behalf of `principal`, who must be able to manage the user. Changing
   * the e-mail also needs a recent sign-in: it is where password resets go, so changing it is an
   * account takeover unless the admin just proved who they are. 404, then 403, then 412.
   */
  async update(principal: Principal, userId: string, patch: Partial<Profile>, ifMatch: string | undefined, meta: RequestMeta): Promise<UserItem> {
    await this.manageable(principal, userId);
    if (patch.email !== undefined) this.ports.assertRecentAuthentication(principal);
    return this.updateProfile(principal.tenantId, userId, patch, ifMatch, actorOf(principal), meta);
  }

  /**
   * A user the principal may manage (profile, e-mail, status, lockout, roles, removal): they must
   * hold every permission the user holds (shared/access/delegation.ts).
   */
  async manageable(principal: Principal, userId: string): Promise<UserItem> {
    const user = await this.require(principal.tenantId, userId);
    authorize(principal, 'users.manage', { tenantId: user.tenantId, kind: 'user' });
    assertMayManageHolder(principal, await this.roleDefinitions(principal.tenantId), user.roles);
    return user;
  }

  /** Nobody grants, or removes, a role they couldn't hold over that scope; every scope names existing properties. */
  private async assertMayAssign(principal: Principal, before: RoleAssignment[], after: RoleAssignment[]): Promise<void> {
    assertMayChangeAssignments(principal, await this.roleDefinitions(principal.tenantId), before, after);
    await this.assertPropertiesExist(principal.tenantId, after.map((a) => a.scope));
  }

  /** Invites a user with the roles the principal may grant (an e-mail with a single-use, expiring link is sent). */
  async invite(principal: Principal, input: Profile & { roles: RoleAssignment[] }, meta: RequestMeta): Promise<UserItem> {
    const roles = distinct(input.roles);
    await this.assertMayAssign(principal, [], roles);
    return this.create(principal.tenantId, { ...input, roles }, actorOf(principal), meta);
  }

  /** Replaces a user's role assignments: every role added or taken away must be one the principal may grant. */
  async assignRoles(principal: Principal, userId: string, assignments: RoleAssignment[], ifMatch: string | undefined, meta: RequestMeta): Promise<UserItem> {
    const user = await this.manageable(principal, userId);
    const roles = distinct(assignments);
    await this.assertMayAssign(principal, user.roles, roles);
    return this.setRoles(principal.tenantId, userId, roles, ifMatch, actorOf(principal), meta);
  }

  /**
   * Checks that the principal may remove a user (their own account never) and returns it. Removing,
   * like disabling, takes every role away: each must be one the principal could grant.
   */
  async removable(principal: Principal, userId: string): Promise<UserItem> {
    const user = await this.manageable(principal, userId);
    if (user.id === principal.userId) throw conflict('You cannot remove your own account.');
    await this.assertMayAssign(principal, user.roles, []);
    return user;
  }

  async setStatus(principal: Principal, userId: string, status: 'active' | 'disabled', meta: RequestMeta): Promise<UserItem> {
    const tenantId = principal.tenantId;
    const user = await this.manageable(principal, userId);
    await this.assertMayAssign(principal, user.roles, []);
    if (user.status === 'redacted' || user.status === 'invited') throw conflict(`A ${user.status} user can't be ${status === 'active' ? 'enabled' : 'disabled'}.`);
    if (status === 'disabled' && user.roles.some((r) => r.roleId === OWNER_ROLE)) await this.assertAnotherOwner(tenantId, userId);
    if (user.status === status) return user;
    return this.save({ ...user, status }, status === 'active' ? 'user.enabled' : 'user.disabled', actorOf(principal), meta);
  }

  /** Disables a user on behalf of `principal`; every session of theirs ends, also when they were disabled already. */
  async disable(principal: Principal, userId: string, meta: RequestMeta): Promise<UserItem> {
    const saved = await this.setStatus(principal, userId, 'disabled', meta);
    await this.ports.endSessions(principal.tenantId, userId, 'user_disabled');
    return saved;
  }

  async unlock(principal: Principal, userId: string, meta: RequestMeta): Promise<UserItem> {
    const user = await this.manageable(principal, userId);
    return this.save({ ...user, lockout: { failures: [], lockCount: 0 } }, 'user.unlocked', actorOf(principal), meta);
  }

  async setRoles(tenantId: string, userId: string, roles: RoleAssignment[], ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<UserItem> {
    const user = await this.require(tenantId, userId);
    checkIfMatch(ifMatch, user);
    const wasOwner = user.roles.some((r) => r.roleId === OWNER_ROLE);
    const staysOwner = roles.some((r) => r.roleId === OWNER_ROLE && r.scope.all);
    if (wasOwner && !staysOwner) await this.assertAnotherOwner(tenantId, userId);
    // A group-granted assignment listed again unchanged stays the group's: an admin who adds one role
    // doesn't turn the others into permanent grants that outlive the group membership.
    const next = roles.map((r) => {
      if (r.group !== undefined) return r;
      const granted = user.roles.find((p) => p.group !== undefined && sameGrant(p, r));
      return granted ? { ...r, group: granted.group as string } : r;
    });
    return this.save({ ...user, roles: next, pv: user.pv + 1 }, 'user.roles_changed', actor, meta, {
      changes: { roles: { before: user.roles, after: next } },
    });
  }

  /** The last active owner can't be removed, demoted or disabled: a tenant must never lose control of itself. */
  async assertAnotherOwner(tenantId: string, userId: string): Promise<void> {
    const owners = (await this.all(tenantId)).filter((u) => u.id !== userId && u.status === 'active' && u.roles.some((r) => r.roleId === OWNER_ROLE && r.scope.all));
    if (owners.length === 0) throw conflict('The last owner of the tenant cannot be removed, demoted or disabled.');
  }

  /** Raises the permissions version of everyone holding `roleId`, after the role's permissions changed. */
  async bumpHoldersOf(tenantId: string, roleId: string): Promise<void> {
    for (const user of await this.all(tenantId)) {
      if (!user.roles.some((r) => r.roleId === roleId)) continue;
      await this.platform.store.collection<UserItem>('identity', tenantId).patch(user.id, [{ op: 'incr', path: '/pv', value: 1 }]);
    }
    this.changed();
  }

  async holders(tenantId: string, roleId: string): Promise<number> {
    return (await this.all(tenantId)).filter((u) => u.roles.some((r) => r.roleId === roleId)).length;
  }

  /**
   * Removes an account: the user item and its e-mail index entry go, the user's data key is shredded
   * (every sealed value about them, in audit events too, becomes unreadable) and the removal is audited.
   */
  /** With `etag`, the event rides on a write of the user conditioned on it: a concurrent change answers 412 with nothing emitted or deleted. */
  async remove(tenantId: string, userId: string, actor: EventActor, meta: RequestMeta, etag?: string): Promise<void> {
    const user = await this.require(tenantId, userId);
    if (user.roles.some((r) => r.roleId === OWNER_ROLE)) await this.assertAnotherOwner(tenantId, userId);
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'user.deleted', target: { type: 'user', id: userId }, ...meta });
    if (etag) await this.platform.outbox.commit('identity', 'replace', user, [event], etag);
    else await this.platform.outbox.emit(tenantId, [event]);
    await this.platform.store.collection('identity', tenantId).delete(emailIndexId(user.emailIndex));
    await this.platform.store.collection('identity', tenantId).delete(userId);
    await this.platform.keys.shred(tenantId, userId);
    this.changed();
  }

  /** Who may be named in property scopes: the ids of the tenant's properties. */
  async assertPropertiesExist(tenantId: string, scopes: PropertyScope[]): Promise<void> {
    const ids = new Set(scopes.flatMap((s) => (s.all ? [] : s.propertyIds)));
    if (ids.size === 0) return;
    const known = new Set((await this.tenants.listProperties(tenantId)).map((p) => p.id));
    const unknown = [...ids].filter((id) => !known.has(id));
    if (unknown.length > 0) throw badRequest('Unknown property in a role scope.', unknown.map((id) => ({ field: 'body.roles', message: `unknown property ${id}` })));
  }
}

/** An assignment listed twice counts once. */
function distinct(roles: RoleAssignment[]): RoleAssignment[] {
  const seen = new Set<string>();
  return roles.filter((r) => {
    const k = JSON.stringify([r.roleId, r.scope]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
