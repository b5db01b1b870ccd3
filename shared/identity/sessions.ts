import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { assertPlatformSecondFactor } from '../access/platform-mfa.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import type { Principal } from '../access/principal.js';
import { checkIfMatch } from '../http/etag.js';
import { notFound } from '../http/problem.js';
import { sessionItemId, type RefreshTokenItem, type SessionItem, type SessionPolicy, type UserItem } from './model.js';
import { newTenantToken, sha256, splitTenantToken } from './users.js';

export type RefreshOutcome =
  | { ok: true; session: SessionItem; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Sessions and refresh tokens. A session is created per login (its id is the token `sid` and the
 * refresh-token family). Refresh tokens are opaque (256 random bits, prefixed by the tenant id so
 * they can be found in their partition), stored only as SHA-256, and single use: each refresh
 * marks the presented token used and issues a new one. Presenting a used token again means it
 * was stolen or replayed: the whole family (the session) is revoked and the reuse is audited.
 */
export class SessionService {
  constructor(
    private readonly platform: Platform,
    private readonly changed: () => void,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<SessionItem | RefreshTokenItem>('identity', tenantId);
  }

  async get(tenantId: string, sid: string): Promise<SessionItem | undefined> {
    const item = await this.col(tenantId).read<SessionItem>(sessionItemId(sid));
    return item?.type === 'session' ? item : undefined;
  }

  /** Whether a session may still be used now. */
  static live(session: SessionItem, now = Date.now()): boolean {
    return !session.revokedAt && Date.parse(session.idleExpiresAt) > now && Date.parse(session.absoluteExpiresAt) > now;
  }

  async create(user: UserItem, amr: string[], policy: SessionPolicy, meta: RequestMeta): Promise<{ session: SessionItem; refreshToken: string }> {
    const sid = randomUUID();
    const now = Date.now();
    const absolute = now + policy.absoluteDays * 86_400_000;
    const session: SessionItem = {
      id: sessionItemId(sid),
      tenantId: user.tenantId,
      type: 'session',
      userId: user.id,
      amr,
      authTime: Math.floor(now / 1000),
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      idleExpiresAt: new Date(Math.min(absolute, now + policy.idleHours * 3_600_000)).toISOString(),
      absoluteExpiresAt: new Date(absolute).toISOString(),
    };
    const ctx = { tenantId: user.tenantId, subjectId: user.id, recordId: session.id };
    const enc: NonNullable<SessionItem['enc']> = {};
    if (meta.ip) enc.ip = await this.platform.cipher.seal({ ...ctx, field: 'session.ip' }, meta.ip);
    if (meta.userAgent) enc.userAgent = await this.platform.cipher.seal({ ...ctx, field: 'session.userAgent' }, meta.userAgent);
    session.enc = enc;
    const created = await this.col(user.tenantId).create(session);
    const refreshToken = await this.newRefreshToken(created as SessionItem);
    return { session: created as SessionItem, refreshToken };
  }

  private async newRefreshToken(session: SessionItem): Promise<string> {
    const token = newTenantToken(session.tenantId);
    await this.col(session.tenantId).create<RefreshTokenItem>({
      id: `refresh:${sha256(token)}`,
      tenantId: session.tenantId,
      type: 'refreshToken',
      sessionId: session.id,
      userId: session.userId,
      createdAt: new Date().toISOString(),
      expiresAt: session.absoluteExpiresAt,
    });
    return token;
  }

  /** Rotates a refresh token: single use, within the session's idle and absolute lifetimes. */
  async refresh(token: string, policy: (tenantId: string) => Promise<SessionPolicy>, meta: RequestMeta): Promise<RefreshOutcome & { tenantId?: string; userId?: string }> {
    const parts = splitTenantToken(token);
    if (!parts) return { ok: false, reason: 'unknown' };
    const col = this.col(parts.tenantId);
    const stored = await col.read<RefreshTokenItem>(`refresh:${sha256(token)}`);
    if (!stored || stored.type !== 'refreshToken') return { ok: false, reason: 'unknown' };
    const session = await col.read<SessionItem>(stored.sessionId);
    if (!session || session.type !== 'session') return { ok: false, reason: 'unknown' };
    const who = { tenantId: session.tenantId, userId: session.userId };
    if (stored.usedAt) {
      await this.revokeFamily(session, 'refresh_token_reused', meta);
      return { ok: false, reason: 'reused', ...who };
    }
    try {
      await col.patch(stored.id, [{ op: 'set', path: '/usedAt', value: new Date().toISOString() }], stored._etag);
    } catch (err) {
      // Someone presented the same token at the same moment: one of the two is a replay.
      if (isStoreError(err, 'precondition_failed')) {
        await this.revokeFamily(session, 'refresh_token_reused', meta);
        return { ok: false, reason: 'reused', ...who };
      }
      throw err;
    }
    if (session.revokedAt) return { ok: false, reason: 'revoked', ...who };
    if (!SessionService.live(session)) return { ok: false, reason: 'expired', ...who };
    // A platform session made on a password alone (before platform MFA, or by a path that forgot it)
    // could only mint tokens the authenticator refuses: it ends here, with the same 401 step-up answer.
    try {
      assertPlatformSecondFactor({ kind: 'user', tenantId: session.tenantId, amr: session.amr });
    } catch (err) {
      const event = await auditEvent(this.platform.cipher, {
        tenantId: session.tenantId,
        actor: { type: 'user', id: session.userId },
        action: 'auth.session_revoked',
        outcome: 'failure',
        target: { type: 'session', id: sidOf(session) },
        details: { reason: 'second_factor_required' },
        ...meta,
      });
      await this.revoke(session, 'second_factor_required', [event]);
      throw err;
    }
    const p = await policy(session.tenantId);
    const now = Date.now();
    const next: SessionItem = {
      ...session,
      lastSeenAt: new Date(now).toISOString(),
      idleExpiresAt: new Date(Math.min(Date.parse(session.absoluteExpiresAt), now + p.idleHours * 3_600_000)).toISOString(),
    };
    const saved = (await col.replace(next, session._etag)) as SessionItem;
    return { ok: true, session: saved, refreshToken: await this.newRefreshToken(saved), ...who };
  }

  private async revokeFamily(session: SessionItem, reason: string, meta: RequestMeta): Promise<void> {
    const event = await auditEvent(this.platform.cipher, {
      tenantId: session.tenantId,
      actor: { type: 'user', id: session.userId },
      action: 'auth.refresh_token_reused',
      outcome: 'failure',
      target: { type: 'session', id: session.id.slice('session:'.length) },
      ...meta,
    });
    await this.revoke(session, reason, [event]);
  }

  /** Ends a session; with `etag`, only the version read (else StoreError precondition_failed, nothing emitted). */
  async revoke(session: SessionItem, reason: string, events: Awaited<ReturnType<typeof auditEvent>>[] = [], etag?: string): Promise<void> {
    if (session.revokedAt && events.length === 0) return;
    const next: SessionItem = { ...session, revokedAt: session.revokedAt ?? new Date().toISOString(), revokedReason: session.revokedReason ?? reason };
    await this.platform.outbox.commit('identity', etag === undefined ? 'upsert' : 'replace', next, events, etag);
    this.changed();
  }

  /**
   * The user ends one of their own sessions (DELETE /me/sessions/{sid}); anyone else's, or none, is a
   * 404. `ifMatch` is the session's ETag, listed by GET /me/sessions: it changes at every refresh, and
   * the revocation with its audit event is one write conditional on it, so a stale or racing ETag is
   * a 412 with nothing emitted.
   */
  async endOwn(principal: Principal, sid: string, ifMatch: string | undefined, meta: RequestMeta): Promise<void> {
    const session = await this.get(principal.tenantId, sid);
    if (!session || session.userId !== principal.userId) throw notFound('session');
    const etag = checkIfMatch(ifMatch, session);
    const event = await auditEvent(this.platform.cipher, { tenantId: principal.tenantId, actor: actorOf(principal), action: 'auth.session_revoked', target: { type: 'session', id: sid }, ...meta });
    await this.revoke(session, 'revoked_by_user', [event], etag);
  }

  async listForUser(tenantId: string, userId: string): Promise<SessionItem[]> {
    return this.col(tenantId).all<SessionItem>("SELECT * FROM c WHERE c.type = 'session' AND c.userId = @userId", { userId });
  }

  /** Ends every live session of a user, except `keepSid` when given. Returns how many ended. */
  async revokeAll(tenantId: string, userId: string, reason: string, keepSid?: string): Promise<number> {
    let n = 0;
    for (const s of await this.listForUser(tenantId, userId)) {
      if (s.revokedAt || s.id === sessionItemId(keepSid ?? '')) continue;
      await this.revoke(s, reason);
      n++;
    }
    return n;
  }

  async describe(session: SessionItem): Promise<{ ip: string | null; userAgent: string | null }> {
    const ctx = { tenantId: session.tenantId, subjectId: session.userId, recordId: session.id };
    return {
      ip: session.enc?.ip ? await this.platform.cipher.openOr({ ...ctx, field: 'session.ip' }, session.enc.ip, '') || null : null,
      userAgent: session.enc?.userAgent ? await this.platform.cipher.openOr({ ...ctx, field: 'session.userAgent' }, session.enc.userAgent, '') || null : null,
    };
  }
}

export function sidOf(session: SessionItem): string {
  return session.id.slice('session:'.length);
}

export type { EventActor };
