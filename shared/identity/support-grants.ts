import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '@azure/functions';
import type { Platform } from '../platform/platform.js';
import type { Permission } from '../access/permissions.js';
import type { Principal, PropertyScope } from '../access/principal.js';
import type { ActiveGrant, SupportGrantLookup } from '../access/tenant-data.js';
import { badRequest, forbidden, notFound, unauthorized } from '../http/problem.js';
import { authorize } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import type { UserItem } from './model.js';
import { assertMayGrantSupport } from '../access/delegation.js';
import { SessionService } from './sessions.js';
import type { AccessTokens, VerifiedAccessToken } from './tokens/access-token.js';
import type { UserService } from './users.js';

export const AGENT_ROLE = 'agent';

/** A customer's approval for one platform support agent, stored in the customer's partition. */
export interface SupportGrantItem extends Item, OutboxCarrier {
  type: 'supportGrant';
  grantId: string;
  agentUserId: string;
  permissions: Permission[];
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
}

export interface SupportGrantView {
  id: string;
  agent: { id: string; name: string | null; email: string | null };
  permissions: Permission[];
  status: 'active' | 'expired' | 'revoked';
  approvedBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const grantItemId = (grantId: string) => `supportgrant:${grantId}`;

function statusOf(grant: SupportGrantItem, now: number): SupportGrantView['status'] {
  if (grant.revokedAt) return 'revoked';
  return Date.parse(grant.expiresAt) > now ? 'active' : 'expired';
}

/**
 * Support access: a platform support agent (a user of the platform tenant holding the `agent` role)
 * acts in a customer tenant only under a grant the customer's owner or admin approved — time-boxed,
 * with a permission set within the approver's own. The agent exchanges their platform session for an
 * access token bound to the grant (`sgid` claim). Every request under it re-checks the grant, the
 * agent's platform session and account, so revocation and expiry take effect on the next request,
 * and is audited as the support agent with the grant id.
 */
export class SupportGrantService implements SupportGrantLookup {
  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
    private readonly tokens: AccessTokens,
    private readonly now: () => number = Date.now,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<SupportGrantItem>('identity', tenantId);
  }

  private isAgent(user: UserItem | undefined): user is UserItem {
    return Boolean(user && user.tenantId === PLATFORM_TENANT && user.status === 'active' && user.roles.some((r) => r.roleId === AGENT_ROLE));
  }

  /** Platform staff a tenant can name in a grant: support agents, and platform operators (who read personal data only under one). */
  private isPlatformStaff(user: UserItem | undefined): user is UserItem {
    return Boolean(user && user.tenantId === PLATFORM_TENANT && user.status === 'active');
  }

  /**
   * The access kernel's lookup (shared/access/tenant-data.ts): an approved, live grant of the tenant
   * naming this platform user and including the permission. One partition query.
   */
  async activeGrant(tenantId: string, platformUserId: string, permission: Permission): Promise<ActiveGrant | undefined> {
    const grants = await this.col(tenantId).all<SupportGrantItem>("SELECT * FROM c WHERE c.type = 'supportGrant' AND c.agentUserId = @userId", { userId: platformUserId });
    const now = this.now();
    const live = grants.filter((g) => statusOf(g, now) === 'active' && g.permissions.includes(permission)).sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
    return live ? { grantId: live.grantId, permissions: live.permissions } : undefined;
  }

  async view(grant: SupportGrantItem): Promise<SupportGrantView> {
    const agent = await this.users.get(PLATFORM_TENANT, grant.agentUserId);
    const profile = agent ? await this.users.profile(agent) : {};
    const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ');
    return {
      id: grant.grantId,
      agent: { id: grant.agentUserId, name: name || null, email: profile.email ?? null },
      permissions: grant.permissions,
      status: statusOf(grant, this.now()),
      approvedBy: grant.approvedBy,
      createdAt: grant.createdAt,
      expiresAt: grant.expiresAt,
      revokedAt: grant.revokedAt ?? null,
    };
  }

  /** Approves a grant. The approver must hold every permission granted (nobody grants what they lack). */
  async approve(principal: Principal, input: { agentEmail: string; permissions: Permission[]; hours: number }, meta: RequestMeta): Promise<SupportGrantItem> {
    if (principal.kind !== 'user') throw forbidden('Only members of the tenant approve support access.');
    const max = this.platform.config.SUPPORT_GRANT_MAX_HOURS;
    if (input.hours > max) throw badRequest(`A grant lasts at most ${max} hours.`, [{ field: 'body.hours', message: `at most ${max}` }]);
    if (input.permissions.includes('support.grants.manage')) {
      throw badRequest('Support agents cannot be given the right to manage support grants.', [{ field: 'body.permissions', message: 'support.grants.manage is not grantable' }]);
    }
    assertMayGrantSupport(principal, input.permissions);
    const agent = await this.users.findByEmail(PLATFORM_TENANT, input.agentEmail);
    if (!this.isPlatformStaff(agent)) throw badRequest('No platform support agent or operator has this e-mail address.', [{ field: 'body.agentEmail', message: 'not platform staff' }]);
    const grantId = randomUUID();
    const now = this.now();
    const grant: SupportGrantItem = {
      id: grantItemId(grantId),
      tenantId: principal.tenantId,
      type: 'supportGrant',
      grantId,
      agentUserId: agent.id,
      permissions: [...new Set(input.permissions)],
      approvedBy: principal.userId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + input.hours * 3_600_000).toISOString(),
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId: principal.tenantId,
      actor: actorOf(principal),
      action: 'support.grant_approved',
      target: { type: 'supportGrant', id: grantId },
      details: { agentId: agent.id, permissions: grant.permissions.join(','), expiresAt: grant.expiresAt },
      ...meta,
    });
    return this.platform.outbox.commit('identity', 'create', grant, [event]);
  }

  async list(tenantId: string): Promise<SupportGrantItem[]> {
    return this.col(tenantId).all<SupportGrantItem>("SELECT * FROM c WHERE c.type = 'supportGrant' ORDER BY c.createdAt DESC");
  }

  async get(tenantId: string, grantId: string): Promise<SupportGrantItem> {
    const grant = await this.col(tenantId).read<SupportGrantItem>(grantItemId(grantId));
    if (!grant || grant.type !== 'supportGrant') throw notFound('support grant');
    return grant;
  }

  /** A grant of the principal's tenant they may see, with the view the API shows of it (404 for other tenants' ids). */
  async read(principal: Principal, grantId: string): Promise<{ grant: SupportGrantItem; view: SupportGrantView }> {
    const grant = await this.get(principal.tenantId, grantId);
    authorize(principal, 'support.grants.manage', { tenantId: grant.tenantId, kind: 'support grant' });
    return { grant, view: await this.view(grant) };
  }

  /**
   * Revokes a grant; tokens minted for it stop working on their next request. `ifMatch` is the
   * grant's ETag: the revocation and its audit event are one write conditional on it, so a stale or
   * racing ETag is a 412 with nothing emitted.
   */
  async revoke(principal: Principal, grantId: string, ifMatch: string | undefined, meta: RequestMeta): Promise<SupportGrantItem> {
    const grant = await this.get(principal.tenantId, grantId);
    const etag = checkIfMatch(ifMatch, grant);
    if (grant.revokedAt) return grant;
    const next: SupportGrantItem = { ...grant, revokedAt: new Date(this.now()).toISOString(), revokedBy: principal.userId };
    const event = await auditEvent(this.platform.cipher, {
      tenantId: principal.tenantId,
      actor: actorOf(principal),
      action: 'support.grant_revoked',
      target: { type: 'supportGrant', id: grantId },
      details: { agentId: grant.agentUserId },
      ...meta,
    });
    return this.platform.outbox.commit('identity', 'replace', next, [event], etag);
  }

  /**
   * POST /auth/support-session: the agent, signed in to the platform tenant, exchanges their session
   * for an access token in the customer tenant carrying the grant (its `amr` included: the
   * authenticator admits an agent only after a second factor). Unknown, foreign, expired and
   * revoked grants all answer 404.
   */
  async startSession(principal: Principal, grantId: string, meta: RequestMeta): Promise<{ accessToken: string; expiresIn: number; tokenType: 'Bearer'; tenantId: string; grantExpiresAt: string }> {
    if (principal.tenantId !== PLATFORM_TENANT) throw forbidden('Support sessions start from a platform account.');
    const agent = await this.users.get(PLATFORM_TENANT, principal.userId);
    if (!this.isAgent(agent)) throw forbidden('Only platform support agents can start support sessions.');
    const [grant] = await this.platform.store.scan<SupportGrantItem>('identity', "SELECT * FROM c WHERE c.type = 'supportGrant' AND c.grantId = @grantId", { grantId }, 1);
    if (!grant || grant.agentUserId !== agent.id || statusOf(grant, this.now()) !== 'active') throw notFound('support grant');
    const access = await this.tokens.issue({
      sub: agent.id,
      tid: grant.tenantId,
      sid: principal.sessionId,
      amr: principal.amr,
      pv: 0,
      auth_time: principal.authTime,
      sgid: grant.grantId,
    });
    const actor: EventActor = { type: 'support-agent', id: agent.id, supportGrantId: grant.grantId };
    await this.platform.outbox.emit(grant.tenantId, [
      await auditEvent(this.platform.cipher, { tenantId: grant.tenantId, actor, action: 'support.session_started', target: { type: 'supportGrant', id: grant.grantId }, ...meta }),
    ]);
    return { accessToken: access.token, expiresIn: access.expiresIn, tokenType: 'Bearer', tenantId: grant.tenantId, grantExpiresAt: grant.expiresAt };
  }

  /**
   * The principal of a grant-bound token (called by the token authenticator for tokens with `sgid`):
   * grant live and for this agent, agent's platform session live, agent account active and still an
   * agent. Each request is audited as `support.request`.
   */
  async principalFor(claims: VerifiedAccessToken & { sgid: string }, req: HttpRequest): Promise<Principal> {
    const grant = await this.col(claims.tid).read<SupportGrantItem>(grantItemId(claims.sgid));
    if (!grant || grant.type !== 'supportGrant' || grant.agentUserId !== claims.sub || statusOf(grant, this.now()) !== 'active') throw unauthorized();
    const platformItems = this.platform.store.collection('identity', PLATFORM_TENANT);
    const [session, agent] = await Promise.all([platformItems.read(`session:${claims.sid}`), this.users.get(PLATFORM_TENANT, claims.sub)]);
    const liveSession = session?.type === 'session' && SessionService.live(session as Parameters<typeof SessionService.live>[0], this.now()) && (session as { userId?: string }).userId === claims.sub;
    if (!liveSession || !this.isAgent(agent)) throw unauthorized();
    const all: PropertyScope = { all: true };
    const principal: Principal = {
      kind: 'support-agent',
      tenantId: claims.tid,
      userId: claims.sub,
      sessionId: claims.sid,
      amr: claims.amr,
      authTime: claims.auth_time,
      grants: new Map(grant.permissions.map((p) => [p, all])),
      supportGrantId: grant.grantId,
    };
    const url = new URL(req.url);
    await this.platform.outbox.emit(claims.tid, [
      await auditEvent(this.platform.cipher, {
        tenantId: claims.tid,
        actor: actorOf(principal),
        action: 'support.request',
        details: { method: req.method, path: url.pathname },
        ...(req.headers.get('x-correlation-id') ? { correlationId: req.headers.get('x-correlation-id') as string } : {}),
      }),
    ]);
    return principal;
  }
}
