import { randomUUID } from 'node:crypto';
import type { Platform } from '../../app.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import { conflict } from '../../http/problem.js';
import { identityEvent, type EventActor, type RequestMeta } from '../audit.js';
import { emailIndexId, type EmailIndexItem, type RoleAssignment, type SealedProfile, type UserItem } from '../model.js';
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
   * already belongs to another user of the tenant.
   */
  async link(tenantId: string, userId: string, tid: string, oid: string, actor: EventActor | undefined, meta: RequestMeta): Promise<SsoLinkItem> {
    await this.users.require(tenantId, userId);
    const id = await this.linkId(tenantId, tid, oid);
    const existing = await this.col(tenantId).read<SsoLinkItem>(id);
    if (existing && existing.userId !== userId) throw conflict('This Entra identity is already linked to another user.');
    for (const old of await this.linksOf(tenantId, userId)) if (old.id !== id) await this.col(tenantId).delete(old.id);
    const item: SsoLinkItem = { id, tenantId, type: 'ssoLink', userId, entraTenantId: tid.toLowerCase(), createdAt: new Date().toISOString() };
    const event = await identityEvent(this.platform, {
      tenantId,
      ...(actor ? { actor } : {}),
      action: 'user.sso_linked',
      target: { type: 'user', id: userId },
      details: { entraTenantId: item.entraTenantId },
      ...meta,
    });
    return this.platform.outbox.commit('identity', 'upsert', item, [event]);
  }

  async unlink(tenantId: string, userId: string, actor: EventActor, meta: RequestMeta): Promise<number> {
    const links = await this.linksOf(tenantId, userId);
    for (const l of links) await this.col(tenantId).delete(l.id);
    if (links.length > 0) {
      const event = await identityEvent(this.platform, { tenantId, actor, action: 'user.sso_unlinked', target: { type: 'user', id: userId }, ...meta });
      await this.platform.outbox.emit(tenantId, [event]);
    }
    return links.length;
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
      const self = { type: 'user' as const, id, keyTenantId: tenantId };
      const event = await identityEvent(this.platform, {
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

/** The default assignment plus one per mapped group the user is a member of (duplicates dropped). */
export function rolesFor(groups: readonly string[], settings: Pick<SsoSettings, 'jit' | 'groupRoles'>): RoleAssignment[] {
  const out: RoleAssignment[] = [{ roleId: settings.jit.defaultRoleId, scope: settings.jit.scope }];
  const member = new Set(groups.map((g) => g.toLowerCase()));
  for (const m of settings.groupRoles) {
    if (!member.has(m.groupId.toLowerCase())) continue;
    if (out.some((r) => r.roleId === m.roleId && JSON.stringify(r.scope) === JSON.stringify(m.scope))) continue;
    out.push({ roleId: m.roleId, scope: m.scope });
  }
  return out;
}
