import type { Platform } from '../../platform/platform.js';
import type { Principal, PropertyScope } from '../../access/principal.js';
import { assertMayMapRole, unknownRole } from '../../access/delegation.js';
import { badRequest, conflict, ProblemError } from '../../http/problem.js';
import { checkIfMatch } from '../../http/etag.js';
import { actorOf, auditEvent, type RequestMeta } from '../../audit/emit.js';
import type { UserItem } from '../model.js';
import type { RoleService } from '../custom-roles.js';
import { OWNER_ROLE } from '../roles.js';
import type { UserService } from '../users.js';
import { SSO_SETTINGS_ID, type SsoSettings, type SsoSettingsItem } from './model.js';

/** The tenant subject whose data key seals tenant-level secrets (shared with integration secrets). */
const TENANT_SUBJECT = '_tenant';
const SECRET_FIELD = 'sso.clientSecret';

function ssoRequired(): ProblemError {
  return new ProblemError({
    status: 403,
    title: 'SSO required',
    detail: 'This tenant signs in with single sign-on only; use "Sign in with Microsoft".',
  });
}

async function read(platform: Platform, tenantId: string): Promise<SsoSettingsItem | undefined> {
  const item = await platform.store.collection<SsoSettingsItem>('tenants', tenantId).read(SSO_SETTINGS_ID);
  return item?.type === 'ssoSettings' ? item : undefined;
}

/**
 * The password-login hook: refuses a tenant's users when the tenant is SSO-only, except its listed
 * break-glass owners. Called after the password was verified, so it tells nothing to a guesser.
 */
export async function assertPasswordLoginAllowed(platform: Platform, user: Pick<UserItem, 'tenantId' | 'id'>): Promise<void> {
  const settings = await read(platform, user.tenantId);
  if (!settings?.enabled || !settings.ssoOnly) return;
  if (settings.breakGlassUserIds.includes(user.id)) return;
  throw ssoRequired();
}

/** A tenant's SSO settings: read, write (audited, secret sealed) and the client secret for the token call. */
export class SsoSettingsService {
  constructor(
    private readonly platform: Platform,
    private readonly deps: {
      users: Pick<UserService, 'get' | 'assertPropertiesExist'>;
      roles: Pick<RoleService, 'definitions'>;
      /** Whether this deployment has a client certificate to sign in with. */
      hasClientCertificate: () => boolean;
    },
  ) {}

  get(tenantId: string): Promise<SsoSettingsItem | undefined> {
    return read(this.platform, tenantId);
  }

  async clientSecret(item: SsoSettingsItem): Promise<string | undefined> {
    if (!item.enc.clientSecret) return undefined;
    const opened = await this.platform.cipher.open({ tenantId: item.tenantId, subjectId: TENANT_SUBJECT, field: SECRET_FIELD }, item.enc.clientSecret);
    return opened.redacted ? undefined : opened.value;
  }

  /**
   * Replaces the settings on behalf of `principal`. `clientSecret`: a string sets it, null removes it,
   * undefined keeps it. The audit event records which settings changed; the secret appears only as "rotated".
   */
  async put(principal: Principal, next: SsoSettings, clientSecret: string | null | undefined, ifMatch: string | undefined, meta: RequestMeta): Promise<SsoSettingsItem> {
    const tenantId = principal.tenantId;
    await this.assertGrantable(principal, [
      { roleId: next.jit.defaultRoleId, scope: next.jit.scope, field: 'body.jit.defaultRoleId' },
      ...next.groupRoles.map((g) => ({ roleId: g.roleId, scope: g.scope, field: 'body.groupRoles' })),
    ]);
    await this.assertBreakGlassOwners(tenantId, next.breakGlassUserIds);
    if (next.ssoOnly && next.breakGlassUserIds.length === 0) {
      throw badRequest('SSO-only needs at least one break-glass owner who can still sign in with a password.', [{ field: 'body.breakGlassUserIds', message: 'at least one required' }]);
    }
    const current = await this.get(tenantId);
    if (next.clientCredential === 'certificate') {
      if (!this.deps.hasClientCertificate()) throw conflict('This deployment has no client certificate (SSO_CLIENT_CERTIFICATE_ID); use a client secret.');
    } else {
      const willHaveSecret = clientSecret === undefined ? Boolean(current?.enc.clientSecret) : clientSecret !== null;
      if (next.enabled && !willHaveSecret) throw badRequest('Enabling SSO needs a client secret.', [{ field: 'body.clientSecret', message: 'required' }]);
    }
    const etag = current ? checkIfMatch(ifMatch, current) : undefined;
    let enc: SsoSettingsItem['enc'] = current?.enc ?? {};
    if (clientSecret === null) enc = {};
    else if (clientSecret !== undefined) {
      enc = { clientSecret: await this.platform.cipher.seal({ tenantId, subjectId: TENANT_SUBJECT, field: SECRET_FIELD }, clientSecret) };
    }
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const key of Object.keys(next) as Array<keyof SsoSettings>) {
      if (JSON.stringify(current?.[key]) !== JSON.stringify(next[key])) changes[key] = { before: current?.[key] ?? null, after: next[key] };
    }
    if (clientSecret !== undefined) changes.clientSecret = { after: clientSecret === null ? 'removed' : 'rotated' };
    const event = await auditEvent(this.platform.cipher, { tenantId, actor: actorOf(principal), action: 'settings.sso_updated', target: { type: 'ssoSettings', id: tenantId }, changes, ...meta });
    const item: SsoSettingsItem = {
      ...(current ?? {}),
      ...next,
      id: SSO_SETTINGS_ID,
      tenantId,
      type: 'ssoSettings',
      enc,
      updatedAt: new Date().toISOString(),
    };
    return this.platform.outbox.commit('tenants', etag ? 'replace' : 'upsert', item, [event], etag);
  }

  /** Every role SSO may hand out must exist, must not be owner, and must be one the caller could grant. */
  private async assertGrantable(principal: Principal, grants: Array<{ roleId: string; scope: PropertyScope; field: string }>): Promise<void> {
    const roles = await this.deps.roles.definitions(principal.tenantId);
    for (const g of grants) {
      const role = roles.get(g.roleId);
      if (!role) throw unknownRole(g.roleId, g.field, 'unknown role');
      if (g.roleId === OWNER_ROLE) throw badRequest('Single sign-on never grants the owner role; assign it explicitly.', [{ field: g.field, message: 'owner not allowed' }]);
      assertMayMapRole(principal, role, g.scope);
    }
    await this.deps.users.assertPropertiesExist(principal.tenantId, grants.map((g) => g.scope));
  }

  private async assertBreakGlassOwners(tenantId: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      const user = await this.deps.users.get(tenantId, id);
      if (!user || user.status !== 'active' || !user.roles.some((r) => r.roleId === OWNER_ROLE && r.scope.all)) {
        throw badRequest('Break-glass accounts must be active owners of the tenant.', [{ field: 'body.breakGlassUserIds', message: `${id} is not an active owner` }]);
      }
    }
  }
}
