import type { Platform } from '../../platform/platform.js';
import { ProblemError } from '../../http/problem.js';
import { checkIfMatch } from '../../http/etag.js';
import { identityEvent, type EventActor, type RequestMeta } from '../audit.js';
import type { UserItem } from '../model.js';
import { SSO_SETTINGS_ID, type SsoSettings, type SsoSettingsItem } from './model.js';

/** The tenant subject whose data key seals tenant-level secrets (shared with integration secrets). */
const TENANT_SUBJECT = '_tenant';
const SECRET_FIELD = 'sso.clientSecret';

export function ssoRequired(): ProblemError {
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
  constructor(private readonly platform: Platform) {}

  get(tenantId: string): Promise<SsoSettingsItem | undefined> {
    return read(this.platform, tenantId);
  }

  async clientSecret(item: SsoSettingsItem): Promise<string | undefined> {
    if (!item.enc.clientSecret) return undefined;
    const opened = await this.platform.cipher.open({ tenantId: item.tenantId, subjectId: TENANT_SUBJECT, field: SECRET_FIELD }, item.enc.clientSecret);
    return opened.redacted ? undefined : opened.value;
  }

  /**
   * Replaces the settings. `clientSecret`: a string sets it, null removes it, undefined keeps it.
   * The audit event records which settings changed; the secret appears only as "rotated".
   */
  async put(tenantId: string, next: SsoSettings, clientSecret: string | null | undefined, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<SsoSettingsItem> {
    const current = await this.get(tenantId);
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
    const event = await identityEvent(this.platform, { tenantId, actor, action: 'settings.sso_updated', target: { type: 'ssoSettings', id: tenantId }, changes, ...meta });
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
}
