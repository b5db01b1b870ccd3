import type { HttpRequest } from '@azure/functions';
import type { Platform } from '../platform/platform.js';
import type { Authenticator } from '../access/authenticator.js';
import { assertPlatformSecondFactor } from '../access/platform-mfa.js';
import type { Permission } from '../access/permissions.js';
import type { Principal, PropertyScope } from '../access/principal.js';
import { unauthorized } from '../http/problem.js';
import { LruCache } from '../platform/lru-cache.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import type { AccessTokens, VerifiedAccessToken } from './tokens/access-token.js';
import { sessionItemId, type RoleAssignment, type SessionItem, type UserItem } from './model.js';
import { SessionService } from './sessions.js';
import { resolveGrants, type RoleDefinition } from './roles.js';

interface SessionState {
  session: SessionItem | undefined;
  user: Pick<UserItem, 'status' | 'pv' | 'roles'> | undefined;
}

/**
 * Verifies bearer access tokens and builds the principal.
 *
 * Revocation: besides the signature and claims, every request checks that the token's session is
 * live and its user active. That state is read from the store and cached in process for
 * SESSION_CHECK_CACHE_SECONDS (default 5 s); this process drops the cache on every change it makes,
 * so a logout, disable or role change is seen at once here and within that window on other instances.
 * Grants are resolved from the user's role assignments and cached by (tenant, user, permissions version).
 */
export class TokenAuthenticator implements Authenticator {
  private sessions: LruCache<string, SessionState>;
  private grants = this.newGrantCache();

  constructor(
    private readonly platform: Platform,
    private readonly tokens: AccessTokens,
    private readonly roles: (tenantId: string) => Promise<Map<string, RoleDefinition>>,
  ) {
    this.sessions = this.newSessionCache();
  }

  private newSessionCache(): LruCache<string, SessionState> {
    return new LruCache(10_000, Math.max(1, this.platform.config.SESSION_CHECK_CACHE_SECONDS * 1000));
  }

  private newGrantCache(): LruCache<string, Map<Permission, PropertyScope>> {
    return new LruCache(5000, 10 * 60_000);
  }

  /** Set by the support-grant module: the principal of a grant-bound token (throws 401 when the grant is not live). */
  supportPrincipal: ((claims: VerifiedAccessToken & { sgid: string }, req: HttpRequest) => Promise<Principal>) | undefined;

  /** Forgets cached session and grant state (after any identity change made by this process). */
  invalidate(): void {
    this.sessions = this.newSessionCache();
    this.grants = this.newGrantCache();
  }

  private async state(tenantId: string, sid: string, userId: string): Promise<SessionState> {
    const key = `${tenantId}/${sid}`;
    const useCache = this.platform.config.SESSION_CHECK_CACHE_SECONDS > 0;
    const cached = useCache ? this.sessions.get(key) : undefined;
    if (cached) return cached;
    const col = this.platform.store.collection<SessionItem | UserItem>('identity', tenantId);
    const [session, user] = await Promise.all([col.read<SessionItem>(sessionItemId(sid)), col.read<UserItem>(userId)]);
    const state: SessionState = {
      session: session?.type === 'session' ? session : undefined,
      user: user?.type === 'user' ? { status: user.status, pv: user.pv, roles: user.roles } : undefined,
    };
    if (useCache) this.sessions.set(key, state);
    return state;
  }

  private async grantsFor(tenantId: string, userId: string, pv: number, roles: RoleAssignment[]): Promise<Map<Permission, PropertyScope>> {
    const key = `${tenantId}/${userId}/${pv}`;
    const cached = this.grants.get(key);
    if (cached) return cached;
    const grants = resolveGrants(roles, await this.roles(tenantId));
    this.grants.set(key, grants);
    return grants;
  }

  async authenticate(req: HttpRequest, optional: boolean): Promise<Principal | undefined> {
    const header = req.headers.get('authorization');
    if (!header) {
      if (optional) return undefined;
      throw unauthorized();
    }
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header);
    if (!match?.[1]) throw unauthorized();
    let claims;
    try {
      claims = await this.tokens.verify(match[1]);
    } catch {
      throw unauthorized();
    }
    if (claims.sgid !== undefined) {
      // A support agent's token for a customer tenant: only the support-grant module may accept it.
      if (!this.supportPrincipal) throw unauthorized();
      // Checked before the grant is: a refused token must not be audited as a support request.
      assertPlatformSecondFactor({ kind: 'support-agent', tenantId: claims.tid, amr: claims.amr });
      return this.supportPrincipal({ ...claims, sgid: claims.sgid }, req);
    }
    const { session, user } = await this.state(claims.tid, claims.sid, claims.sub);
    if (!session || !user || session.userId !== claims.sub || !SessionService.live(session) || user.status !== 'active') throw unauthorized();
    // Support agents are platform users but not operators: they act only through customer-approved grants.
    const isAgent = claims.tid === PLATFORM_TENANT && user.roles.some((r) => r.roleId === 'agent');
    const isOperator = claims.tid === PLATFORM_TENANT && !isAgent;
    const principal: Principal = {
      kind: isOperator ? 'platform-operator' : 'user',
      tenantId: claims.tid,
      userId: claims.sub,
      sessionId: claims.sid,
      amr: claims.amr,
      authTime: claims.auth_time,
      grants: isOperator || isAgent ? new Map() : await this.grantsFor(claims.tid, claims.sub, user.pv, user.roles),
    };
    assertPlatformSecondFactor(principal);
    return principal;
  }
}
