import { randomUUID } from 'node:crypto';
import type { Platform } from '../../platform/platform.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import type { PendingMessage } from '../../platform/outbox/outbox.js';
import { conflict, ProblemError } from '../../http/problem.js';
import { checkIfMatch, etagOf } from '../../http/etag.js';
import { auditEvent, type EventActor, type RequestMeta } from '../../audit/emit.js';
import { emailIndexId, sameGrant, type EmailIndexItem, type RoleAssignment, type SealedProfile, type UserItem } from '../model.js';
import type { UserService } from '../users.js';
import { SsoError } from './errors.js';
import type { EntraIdentity } from './id-token.js';
import { ssoLinkId, type SsoLinkItem, type SsoSettings } from './model.js';

/**
 * Entra identities and our accounts. An account is reached only through an explicit link from
 * `tid:oid` (made by an admin or by just-in-time provisioning); the e-mail claim is never used to
 * find one, so an Entra user who claims a colleague's address gets nothing of theirs.
 */
export class SsoAccounts {
  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<SsoLinkItem>('identity', tenantId);
  }

  private async linkId(tenantId: string, tid: string, oid: string): Promise<string> {
    return ssoLinkId(await this.platform.blindIndex.compute(tenantId, 'externalId', `entra:${tid.toLowerCase()}:${oid.toLowerCase()}`));
  }

  async linkedUser(tenantId: string, tid: string, oid: string): Promise<UserItem | undefined> {
    const link = await this.col(tenantId).read<SsoLinkItem>(await this.linkId(tenantId, tid, oid));
    if (!link || link.type !== 'ssoLink') return undefined;
    const user = await this.users.get(tenantId, link.userId);
    // The account was removed: its link goes too, so the identity is unknown again (not a dangling 409).
    if (!user) await this.col(tenantId).delete(link.id);
    return user;
  }

  async linksOf(tenantId: string, userId: string): Promise<SsoLinkItem[]> {
    return this.col(tenantId).all<SsoLinkItem>("SELECT * FROM c WHERE c.type = 'ssoLink' AND c.userId = @userId", { userId });
  }

  /**
   * Links a user to an Entra identity (replacing the user's earlier link). 409 when that identity
   * already belongs to another user of the tenant. The link is part of the user's sign-in
   * configuration: with `userEtag` (an admin's link, conditional on the user's ETag) the audit event
   * rides on a write of the user conditional on that version, made before any link changes, so a
   * stale or racing ETag is a 412 with nothing changed or emitted.
   */
  async link(tenantId: string, userId: string, tid: string, oid: string, actor: EventActor | undefined, meta: RequestMeta, userEtag?: string): Promise<SsoLinkItem> {
    const user = await this.users.require(tenantId, userId);
    const id = await this.linkId(tenantId, tid, oid);
    const existing = await this.col(tenantId).read<SsoLinkItem>(id);
    if (existing && existing.userId !== userId) throw conflict('This Entra identity is already linked to another user.');
    const item: SsoLinkItem = { id, tenantId, type: 'ssoLink', userId, entraTenantId: tid.toLowerCase(), createdAt: new Date().toISOString() };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      ...(actor ? { actor } : {}),
      action: 'user.sso_linked',
      target: { type: 'user', id: userId },
      details: { entraTenantId: item.entraTenantId },
      ...meta,
    });
    if (userEtag !== undefined) await this.touchUser(user, userEtag, event);
    for (const old of await this.linksOf(tenantId, userId)) if (old.id !== id) await this.col(tenantId).delete(old.id);
    if (userEtag !== undefined) return this.col(tenantId).upsert(item);
    return this.platform.outbox.commit('identity', 'upsert', item, [event]);
  }

  /**
   * Removes the user's Entra links. `ifMatch` is the user's ETag: checked, and the audit event rides
   * on a write of the user conditional on it before the links go (412 on a stale or racing ETag,
   * with nothing removed or emitted).
   */
  async unlink(tenantId: string, userId: string, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<number> {
    const user = await this.users.require(tenantId, userId);
    const etag = checkIfMatch(ifMatch, user);
    const links = await this.linksOf(tenantId, userId);
    if (links.length === 0) return 0;
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'user.sso_unlinked', target: { type: 'user', id: userId }, ...meta });
    await this.touchUser(user, etag, event);
    for (const l of links) await this.col(tenantId).delete(l.id);
    return links.length;
  }

  /** A change of the user's links changes the user's version: the user item, with the event, conditional on `etag`. */
  private async touchUser(user: UserItem, etag: string | undefined, event: PendingMessage): Promise<void> {
    await this.platform.outbox.commit('identity', 'replace', { ...user, updatedAt: new Date().toISOString() }, [event], etag);
  }

  /**
   * At each SSO sign-in of a linked user: roles granted through group mappings follow the groups
   * the ID token lists (a user removed from a group in Entra loses its role here, at the next
   * sign-in, and with it every session's grants within the session check interval). A token that
   * does not list the groups (overage) changes nothing. Audited as `user.roles_changed` by
   * `system:sso-group-sync`.
   */
  async syncGroupRoles(user: UserItem, who: EntraIdentity, settings: SsoSettings, meta: RequestMeta): Promise<UserItem> {
    if (who.groupsOverage) return user;
    let current = user;
    for (let attempt = 0; ; attempt++) {
      const roles = syncedRoles(current.roles, who.groups, settings);
      if (JSON.stringify(roles) === JSON.stringify(current.roles)) return current;
      try {
        return await this.users.setRoles(current.tenantId, current.id, roles, etagOf(current), SYNC_ACTOR, meta);
      } catch (err) {
        // Someone changed the user since it was read: recompute from what is stored now.
        const stale = isStoreError(err, 'precondition_failed') || (err instanceof ProblemError && err.status === 412);
        if (!stale || attempt >= 2) throw err;
        current = await this.users.require(current.tenantId, current.id);
      }
    }
  }

  /**
   * After the SSO settings changed: an assignment a mapping granted that no mapping grants any more
   * (mapping deleted, or its role or scope changed) is taken from every user now, not at each
   * user's next sign-in, which for a user who keeps a session alive could be days away. New mappings
   * grant nothing until the user signs in: only the ID token says who is in a group.
   */
  async withdrawUnmapped(tenantId: string, settings: Pick<SsoSettings, 'groupRoles'>, actor: EventActor, meta: RequestMeta): Promise<number> {
    const mapped = (r: RoleAssignment) => settings.groupRoles.some((m) => m.groupId.toLowerCase() === r.group && sameGrant(m, r));
    let changed = 0;
    for (const user of await this.users.all(tenantId)) {
      const roles = user.roles.filter((r) => r.group === undefined || mapped(r));
      if (roles.length === user.roles.length) continue;
      await this.users.setRoles(tenantId, user.id, roles, undefined, actor, meta);
      changed += 1;
    }
    return changed;
  }

  /**
   * Just-in-time provisioning: a new active account (no password) with the default role and the
   * roles of mapped groups, linked to `tid:oid`. The e-mail must still be unique in the tenant: a
   * collision with a local account is refused (`email_in_use`), never merged.
   */
  async provision(tenantId: string, who: EntraIdentity, settings: SsoSettings, meta: RequestMeta): Promise<UserItem> {
    if (!who.email) throw new SsoError('email_missing');
    const id = randomUUID();
    const blind = await this.platform.blindIndex.compute(tenantId, 'email', who.email);
    try {
      await this.platform.store.collection<EmailIndexItem>('identity', tenantId).create({ id: emailIndexId(blind), tenantId, type: 'emailIndex', userId: id });
    } catch (err) {
      if (isStoreError(err, 'conflict')) throw new SsoError('email_in_use');
      throw err;
    }
    try {
      const [first, ...rest] = (who.name ?? '').trim().split(/\s+/);
      const profile = {
        firstName: who.givenName ?? (first || who.email.split('@')[0] || 'User'),
        lastName: who.familyName ?? (rest.join(' ') || '-'),
        email: who.email,
      };
      const enc: Partial<SealedProfile> = {};
      for (const [field, value] of Object.entries(profile) as Array<[keyof typeof profile, string]>) {
        enc[field] = await this.platform.cipher.seal({ tenantId, subjectId: id, field: `user.${field}` }, value);
      }
      const now = new Date().toISOString();
      const user: UserItem = {
        id,
        tenantId,
        type: 'user',
        status: 'active',
        enc: enc as SealedProfile,
        emailIndex: blind,
        roles: rolesFor(who.groups, settings),
        pv: 1,
        lockout: { failures: [], lockCount: 0 },
        createdAt: now,
        updatedAt: now,
      };
      const self = { type: 'user' as const, id };
      const event = await auditEvent(this.platform.cipher, {
        tenantId,
        actor: self,
        action: 'user.provisioned',
        target: { type: 'user', id },
        details: { method: 'sso', roles: user.roles.map((r) => r.roleId).join(',') },
        ...meta,
      });
      const created = await this.platform.outbox.commit('identity', 'create', user, [event]);
      await this.link(tenantId, id, who.tid, who.oid, self, meta);
      return created;
    } catch (err) {
      await this.platform.store.collection('identity', tenantId).delete(emailIndexId(blind));
      throw err;
    }
  }
}

const SYNC_ACTOR: EventActor = { type: 'system', id: 'sso-group-sync' };

/** One assignment per mapped group the user is a member of, each marked with its group. */
export function groupAssignments(groups: readonly string[], settings: Pick<SsoSettings, 'groupRoles'>): RoleAssignment[] {
  const member = new Set(groups.map((g) => g.toLowerCase()));
  return settings.groupRoles.filter((m) => member.has(m.groupId.toLowerCase())).map((m) => ({ roleId: m.roleId, scope: m.scope, group: m.groupId.toLowerCase() }));
}

/** The default assignment plus one per mapped group the user is a member of (duplicates dropped). */
export function rolesFor(groups: readonly string[], settings: Pick<SsoSettings, 'jit' | 'groupRoles'>): RoleAssignment[] {
  return syncedRoles([{ roleId: settings.jit.defaultRoleId, scope: settings.jit.scope }], groups, settings);
}

/**
 * A user's roles with the group-granted ones brought in line with the groups the token lists: an
 * assignment a group granted goes when the user left the group or the mapping was removed, a mapped
 * group's assignment comes when it is not held already. What an admin assigned is never touched.
 */
export function syncedRoles(current: readonly RoleAssignment[], groups: readonly string[], settings: Pick<SsoSettings, 'groupRoles'>): RoleAssignment[] {
  const granted = groupAssignments(groups, settings);
  const kept = current.filter((r) => r.group === undefined || granted.some((g) => g.group === r.group && sameGrant(g, r)));
  for (const g of granted) if (!kept.some((r) => sameGrant(r, g))) kept.push(g);
  return kept;
}
