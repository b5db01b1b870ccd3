import { z } from 'zod';
import type { Cookie, HttpRequest } from '@azure/functions';
import { publicAccess, authenticated } from '../shared/http/route.js';
import { etagOf } from '../shared/http/etag.js';
import { badRequest, unauthorized } from '../shared/http/problem.js';
import { idSchema, jwksSchema, passwordSchema, secondFactorChallenge, text, tokenPair, userView } from '../shared/identity/http/schemas.js';
import { cookie } from '../shared/identity/http/cookie.js';
import type { TokenPair } from '../shared/identity/login.js';
import { SessionService, sidOf } from '../shared/identity/sessions.js';
import { actorOf, auditEvent, metaOf } from '../shared/audit/emit.js';
import type { App } from '../shared/app.js';
import type { SessionItem } from '../shared/identity/model.js';
import { route } from './triggers.js';

/** The caller: their user view, plus what the web client needs to shape its navigation. */
const meView = userView.extend({
  kind: z.string().describe('user, platform-operator or support-agent'),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  sessionId: z.string(),
  permissions: z.record(z.string(), z.unknown()).describe('Effective permissions, each with its property scope ({all: true} or {all: false, propertyIds})'),
});

const sessionView = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  amr: z.array(z.string()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  etag: z.string().optional().describe('The session\'s ETag: send it as If-Match to DELETE /me/sessions/{sid} (it changes at every refresh)'),
});

const REFRESH_COOKIE = 'pmi_refresh';
const COOKIE_PATH = '/api/v1/auth';


function refreshCookie(value: string, maxAgeSeconds: number): Cookie {
  return { name: REFRESH_COOKIE, value, path: COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'Strict', maxAge: maxAgeSeconds };
}

export function tokensReply(pair: TokenPair, session: SessionItem) {
  const maxAge = Math.max(0, Math.floor((Date.parse(session.absoluteExpiresAt) - Date.now()) / 1000));
  return { json: pair, cookies: [refreshCookie(pair.refreshToken, maxAge)], headers: { Pragma: 'no-cache' } };
}

/**
 * The refresh token from the body, or from the cookie. A browser sends the cookie on its own, so a
 * cookie-borne token also needs `X-Requested-With: pmi`: a header a cross-site form can't set and
 * CORS won't let another origin add (CSRF defence).
 */
function refreshTokenOf(req: HttpRequest, body: { refreshToken?: string | undefined } | undefined): string {
  if (body?.refreshToken) return body.refreshToken;
  const fromCookie = cookie(req, REFRESH_COOKIE);
  if (!fromCookie) throw unauthorized();
  if (req.headers.get('x-requested-with') !== 'pmi') throw unauthorized('A cookie-authenticated request needs the header X-Requested-With: pmi.');
  return fromCookie;
}

async function sessionsView(app: App, tenantId: string, userId: string, currentSid: string) {
  const all = await app.identity.sessions.listForUser(tenantId, userId);
  const live = all.filter((s) => SessionService.live(s)).sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
  return Promise.all(
    live.map(async (s) => ({
      id: sidOf(s),
      current: sidOf(s) === currentSid,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt,
      amr: s.amr,
      ...(await app.identity.sessions.describe(s)),
      ...(s._etag ? { etag: etagOf(s) } : {}),
    })),
  );
}

const refreshBody = z.strictObject({
  refreshToken: z.string().min(10).max(512).optional().describe('The refresh token; leave out the body (or this field) to use the pmi_refresh cookie'),
});

export default [
  route({
    name: 'jwks',
    method: 'GET',
    route: 'v1/.well-known/jwks.json',
    access: publicAccess,
    summary: 'Public keys that verify access tokens (current and previous, by kid)',
    tags: ['auth'],
    responses: { 200: { description: 'JSON Web Key Set', schema: jwksSchema } },
    handler: async ({ app }) => {
      const keys = (await app.identity.signer.publicKeys()).map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use }));
      return { json: { keys }, headers: { 'Cache-Control': 'public, max-age=300' } };
    },
  }),

  route({
    name: 'authLogin',
    method: 'POST',
    route: 'v1/auth/login',
    access: publicAccess,
    summary: 'Log in with tenant slug, e-mail and password',
    tags: ['auth'],
    body: z.strictObject({ tenant: z.string().min(1).max(64), email: z.string().min(1).max(254), password: passwordSchema }),
    responses: {
      200: {
        description: 'Tokens (the refresh token is also set as an HttpOnly cookie scoped to /api/v1/auth), or, when a second factor is due, a challenge to complete at /auth/mfa/verify or /auth/mfa/enroll/{totp|sms}',
        schema: z.union([tokenPair, secondFactorChallenge]),
      },
      401: { description: 'Invalid credentials (the same answer for every reason)' },
      429: { description: 'Too many attempts from this address' },
    },
    handler: async ({ app, body, ...call }) => {
      const result = await app.identity.login.login(body, metaOf(call));
      if (result.kind === 'challenge') return { json: result.challenge };
      return tokensReply(result.tokens, result.session);
    },
  }),

  route({
    name: 'authRefresh',
    method: 'POST',
    route: 'v1/auth/refresh',
    access: publicAccess,
    summary: 'Exchange a refresh token (body or cookie + X-Requested-With: pmi) for new tokens; single use',
    tags: ['auth'],
    // Cookie clients send no body.
    body: refreshBody,
    bodyOptional: true,
    bodyLimitBytes: 4096,
    responses: { 200: { description: 'New tokens', schema: tokenPair }, 401: { description: 'Invalid, expired, revoked or reused token' } },
    handler: async ({ app, body, req, ...call }) => {
      const token = refreshTokenOf(req, body);
      const outcome = await app.identity.sessions.refresh(token, async (tid) => (await app.identity.tenants.settings(tid)).session, metaOf(call));
      if (!outcome.ok) throw unauthorized('The refresh token is invalid or has expired.');
      const user = await app.identity.users.get(outcome.session.tenantId, outcome.session.userId);
      if (!user || user.status !== 'active') {
        await app.identity.sessions.revoke(outcome.session, 'user_inactive');
        throw unauthorized('The refresh token is invalid or has expired.');
      }
      const access = await app.identity.tokens.issue({
        sub: user.id,
        tid: user.tenantId,
        sid: sidOf(outcome.session),
        amr: outcome.session.amr,
        pv: user.pv,
        auth_time: outcome.session.authTime,
      });
      return tokensReply({ accessToken: access.token, refreshToken: outcome.refreshToken, expiresIn: access.expiresIn, tokenType: 'Bearer' }, outcome.session);
    },
  }),

  route({
    name: 'authLogout',
    method: 'POST',
    route: 'v1/auth/logout',
    access: authenticated,
    summary: 'End the current session (server side) and clear the refresh cookie',
    tags: ['auth'],
    responses: { 204: { description: 'Logged out' } },
    handler: async ({ app, principal, ...call }) => {
      const session = await app.identity.sessions.get(principal.tenantId, principal.sessionId);
      if (session) {
        const event = await auditEvent(app.cipher, { tenantId: principal.tenantId, actor: actorOf(principal), action: 'auth.logged_out', target: { type: 'session', id: principal.sessionId }, ...metaOf(call) });
        await app.identity.sessions.revoke(session, 'logout', [event]);
      }
      return { status: 204, cookies: [refreshCookie('', 0)] };
    },
  }),

  route({
    name: 'authLogoutAll',
    method: 'POST',
    route: 'v1/auth/logout-all',
    access: authenticated,
    summary: "End all of the caller's sessions",
    tags: ['auth'],
    responses: { 204: { description: 'Logged out everywhere' } },
    handler: async ({ app, principal, ...call }) => {
      const n = await app.identity.sessions.revokeAll(principal.tenantId, principal.userId, 'logout_all');
      const event = await auditEvent(app.cipher, { tenantId: principal.tenantId, actor: actorOf(principal), action: 'auth.logged_out_everywhere', details: { sessions: n }, ...metaOf(call) });
      await app.outbox.emit(principal.tenantId, [event]);
      return { status: 204, cookies: [refreshCookie('', 0)] };
    },
  }),

  route({
    name: 'authAcceptInvitation',
    method: 'POST',
    route: 'v1/auth/invitations/accept',
    access: publicAccess,
    summary: 'Accept an invitation by setting a password (single-use, expiring token)',
    tags: ['auth'],
    body: z.strictObject({ token: z.string().min(10).max(512), password: passwordSchema }),
    responses: { 204: { description: 'Password set; the account is active' }, 400: { description: 'Invalid/expired token or password refused' } },
    handler: async ({ app, body, ...call }) => {
      await app.identity.users.acceptInvitation(body.token, body.password, metaOf(call));
      return { status: 204 };
    },
  }),

  route({
    name: 'me',
    method: 'GET',
    route: 'v1/me',
    access: authenticated,
    summary: 'The caller: profile, roles and effective permissions',
    tags: ['me'],
    responses: { 200: { description: 'The caller', schema: meView } },
    handler: async ({ app, principal }) => {
      const user = await app.identity.users.require(principal.tenantId, principal.userId);
      const view = await app.identity.users.view(user);
      const tenant = await app.identity.tenants.get(principal.tenantId);
      return {
        json: {
          ...view,
          kind: principal.kind,
          tenant: { id: principal.tenantId, slug: tenant?.slug ?? principal.tenantId, name: tenant?.name ?? 'Platform' },
          sessionId: principal.sessionId,
          permissions: Object.fromEntries([...principal.grants.entries()]),
        },
        etag: etagOf(user),
      };
    },
  }),

  route({
    name: 'meUpdate',
    method: 'PATCH',
    route: 'v1/me',
    access: authenticated,
    summary: "Update the caller's own name and job title",
    tags: ['me'],
    ifMatch: true,
    body: z.strictObject({ firstName: text(100).optional(), lastName: text(100).optional(), jobTitle: text(200).optional() }),
    responses: { 200: { description: 'Updated', schema: userView }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, body, ifMatch, ...call }) => {
      const saved = await app.identity.users.updateProfile(principal.tenantId, principal.userId, body, ifMatch, actorOf(principal), metaOf(call));
      return { json: await app.identity.users.view(saved) };
    },
  }),

  route({
    name: 'mePassword',
    method: 'POST',
    route: 'v1/me/password',
    access: authenticated,
    summary: 'Change the password (requires the current one); ends the other sessions',
    tags: ['me'],
    body: z.strictObject({ currentPassword: passwordSchema, newPassword: passwordSchema }),
    responses: { 204: { description: 'Changed' }, 400: { description: 'Current password wrong or new password refused' } },
    handler: async ({ app, principal, body, ...call }) => {
      const user = await app.identity.users.require(principal.tenantId, principal.userId);
      const ok = user.passwordHash ? await app.identity.hasher.verify(body.currentPassword, user.passwordHash) : false;
      if (!ok) throw badRequest('The current password is not correct.', [{ field: 'body.currentPassword', message: 'incorrect' }]);
      await app.identity.users.setPassword(user, body.newPassword, 'user.password_changed', actorOf(principal), metaOf(call));
      await app.identity.sessions.revokeAll(principal.tenantId, principal.userId, 'password_changed', principal.sessionId);
      return { status: 204 };
    },
  }),

  route({
    name: 'meSessions',
    method: 'GET',
    route: 'v1/me/sessions',
    access: authenticated,
    summary: "The caller's live sessions",
    tags: ['me'],
    responses: { 200: { description: 'Sessions', schema: z.object({ items: z.array(sessionView) }) } },
    handler: async ({ app, principal }) => ({ json: { items: await sessionsView(app, principal.tenantId, principal.userId, principal.sessionId) } }),
  }),

  route({
    name: 'meSessionsDelete',
    method: 'DELETE',
    route: 'v1/me/sessions/{sid}',
    access: authenticated,
    summary: 'End one of the caller’s sessions',
    tags: ['me'],
    params: z.strictObject({ sid: idSchema }),
    ifMatch: true,
    responses: { 204: { description: 'Ended' }, 404: { description: 'No such session of yours' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.identity.sessions.endOwn(principal, params.sid, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),
];

