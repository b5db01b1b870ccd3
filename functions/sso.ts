import { z } from 'zod';
import type { Cookie } from '@azure/functions';
import { publicAccess, requires } from '../shared/http/route.js';
import { notFound } from '../shared/http/problem.js';
import { etagOf } from '../shared/http/etag.js';
import type { App } from '../shared/app.js';
import { idSchema, passwordSchema, scopeSchema, secondFactorChallenge, tokenPair } from '../shared/identity/http/schemas.js';
import { actorOf, metaOf } from '../shared/audit/emit.js';
import { cookie } from '../shared/identity/http/cookie.js';
import { FLOW_COOKIE, FLOW_COOKIE_PATH } from '../shared/identity/sso/flow-cookie.js';
import type { SsoSettings, SsoSettingsItem } from '../shared/identity/sso/model.js';
import { tokensReply } from './auth.js';
import { route } from './triggers.js';

const guid = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID')
  .transform((s) => s.toLowerCase());

const clientIdSchema = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._-]+$/, 'must be an application (client) id');

const settingsBody = z.strictObject({
  enabled: z.boolean(),
  entraTenantId: guid,
  clientId: clientIdSchema,
  /** `certificate`: PMI's certificate (GET /tenant/sso/certificate), uploaded to the app registration; no secret is shared. */
  clientCredential: z.enum(['secret', 'certificate']).default('secret'),
  /** A new secret; null removes the stored one; omitted keeps it. */
  clientSecret: z.string().min(1).max(1024).nullable().optional(),
  jit: z.strictObject({ enabled: z.boolean(), defaultRoleId: idSchema.default('end-user'), scope: scopeSchema.default({ all: true }) }),
  groupRoles: z.array(z.strictObject({ groupId: guid, roleId: idSchema, scope: scopeSchema })).max(100).default([]),
  ssoOnly: z.boolean().default(false),
  breakGlassUserIds: z.array(idSchema).max(20).default([]),
  idpMfaSatisfiesPolicy: z.boolean().default(false),
  /** The caller's password, when their sign-in is older than SSO_REAUTH_MAX_AGE_SECONDS. */
  password: passwordSchema.optional(),
});

const settingsView = z.object({
  enabled: z.boolean(),
  entraTenantId: z.string().nullable(),
  clientId: z.string().nullable(),
  clientCredential: z.enum(['secret', 'certificate']),
  hasClientSecret: z.boolean(),
  jit: z.object({ enabled: z.boolean(), defaultRoleId: z.string(), scope: scopeSchema }),
  groupRoles: z.array(z.object({ groupId: z.string(), roleId: z.string(), scope: scopeSchema })),
  ssoOnly: z.boolean(),
  breakGlassUserIds: z.array(z.string()),
  idpMfaSatisfiesPolicy: z.boolean(),
  redirectUri: z.string(),
  updatedAt: z.string().nullable(),
});

function settingsOut(app: App, s: SsoSettingsItem | undefined): z.infer<typeof settingsView> {
  return {
    enabled: s?.enabled ?? false,
    entraTenantId: s?.entraTenantId ?? null,
    clientId: s?.clientId ?? null,
    clientCredential: s?.clientCredential ?? 'secret',
    hasClientSecret: Boolean(s?.enc.clientSecret),
    jit: s?.jit ?? { enabled: false, defaultRoleId: 'end-user', scope: { all: true } },
    groupRoles: s?.groupRoles ?? [],
    ssoOnly: s?.ssoOnly ?? false,
    breakGlassUserIds: s?.breakGlassUserIds ?? [],
    idpMfaSatisfiesPolicy: s?.idpMfaSatisfiesPolicy ?? false,
    redirectUri: app.identity.sso.redirectUri(),
    updatedAt: s?.updatedAt ?? null,
  };
}

function flowCookie(value: string, maxAge: number): Cookie {
  return { name: FLOW_COOKIE, value, path: FLOW_COOKIE_PATH, httpOnly: true, secure: true, sameSite: 'Lax', maxAge };
}

const redirect = (location: string, cookies: Cookie[] = []) => ({ status: 302, headers: { Location: location, 'Referrer-Policy': 'no-referrer' }, cookies });


export default [
  route({
    name: 'tenantSsoGet',
    method: 'GET',
    route: 'v1/tenant/sso',
    access: requires('settings.manage'),
    summary: 'Read the tenant single sign-on (Microsoft Entra ID) settings; the client secret is never returned',
    tags: ['sso'],
    responses: { 200: { description: 'SSO settings', schema: settingsView } },
    handler: async ({ app, principal }) => {
      const s = await app.identity.sso.settings.get(principal.tenantId);
      return { json: settingsOut(app, s), ...(s ? { etag: etagOf(s) } : {}) };
    },
  }),

  route({
    name: 'tenantSsoPut',
    method: 'PUT',
    route: 'v1/tenant/sso',
    access: requires('settings.manage'),
    summary: 'Replace the tenant SSO settings (recent sign-in or `password` required; If-Match supported)',
    tags: ['sso'],
    ifMatch: true,
    body: settingsBody,
    responses: {
      200: { description: 'SSO settings', schema: settingsView },
      400: { description: 'Invalid settings' },
      403: { description: 'Re-authentication required, or a role the caller cannot grant' },
      409: { description: 'Certificate chosen, but this deployment has no client certificate' },
      412: { description: 'ETag mismatch' },
    },
    handler: async ({ app, principal, body, ifMatch, ...call }) => {
      const next: SsoSettings = {
        enabled: body.enabled,
        entraTenantId: body.entraTenantId,
        clientId: body.clientId,
        clientCredential: body.clientCredential,
        jit: body.jit,
        groupRoles: body.groupRoles,
        ssoOnly: body.ssoOnly,
        breakGlassUserIds: body.breakGlassUserIds,
        idpMfaSatisfiesPolicy: body.idpMfaSatisfiesPolicy,
      };
      const saved = await app.identity.sso.configure(principal, next, body.clientSecret, body.password, ifMatch, metaOf(call));
      return { json: settingsOut(app, saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'tenantSsoCertificate',
    method: 'GET',
    route: 'v1/tenant/sso/certificate',
    access: requires('settings.manage'),
    summary: "PMI's client certificate, to upload to the tenant's Entra app registration for sign-in without a client secret",
    tags: ['sso'],
    responses: {
      200: {
        description: 'Every valid certificate (PEM and thumbprints), the one in use first: upload them all, so a renewal never locks you out',
        schema: z.object({
          certificates: z.array(
            z.object({
              pem: z.string(),
              thumbprint: z.string().describe('SHA-1, hex: what the Entra portal lists for an uploaded certificate'),
              x5tS256: z.string(),
              x5t: z.string(),
              notBefore: z.string(),
              notAfter: z.string(),
              inUse: z.boolean().describe('The certificate assertions are signed with now'),
            }),
          ),
        }),
      },
      404: { description: 'This deployment has no client certificate' },
    },
    handler: async ({ app }) => {
      const signer = app.identity.sso.clientCertificate;
      if (!signer) throw notFound('client certificate');
      const [inUse, ...others] = await signer.certificates();
      return { json: { certificates: [...(inUse ? [{ ...inUse, inUse: true }] : []), ...others.map((c) => ({ ...c, inUse: false }))] } };
    },
  }),

  route({
    name: 'tenantSsoTest',
    method: 'POST',
    route: 'v1/tenant/sso/test',
    access: requires('settings.manage'),
    summary: 'Check the SSO configuration (discovery reachable, keys published, client id plausible) without signing anyone in',
    tags: ['sso'],
    responses: {
      200: {
        description: 'Checks',
        schema: z.object({ ok: z.boolean(), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })) }),
      },
    },
    handler: async ({ app, principal }) => ({ json: await app.identity.sso.test(principal.tenantId) }),
  }),

  route({
    name: 'authSsoStart',
    method: 'GET',
    route: 'v1/auth/sso/start',
    access: publicAccess,
    summary: "Start signing in with the tenant's Microsoft Entra ID: 302 to the authority (PKCE, state, nonce)",
    tags: ['auth', 'sso'],
    query: z.strictObject({ tenant: z.string().min(1).max(64), returnTo: z.string().min(1).max(2048) }),
    responses: { 302: { description: 'To the Entra authorize endpoint, or to the web client error page' }, 400: { description: 'returnTo is not a configured web-client origin' } },
    handler: async ({ app, query, ...call }) => {
      const out = await app.identity.sso.start(query.tenant, query.returnTo, metaOf(call));
      return redirect(out.location, out.flowCookie ? [flowCookie(out.flowCookie, app.config.SSO_STATE_TTL_SECONDS)] : []);
    },
  }),

  route({
    name: 'authSsoCallback',
    method: 'GET',
    route: 'v1/auth/sso/callback',
    access: publicAccess,
    summary: 'Redirect URI registered in Entra: validates the response and returns to the web client with a one-time code (#code=…)',
    tags: ['auth', 'sso'],
    query: z.object({
      code: z.string().max(4096).optional(),
      state: z.string().max(256).optional(),
      error: z.string().max(256).optional(),
      error_description: z.string().max(4096).optional(),
      session_state: z.string().max(256).optional(),
    }),
    responses: { 302: { description: 'To returnTo#code=…, or to the web client error page with ?error=<reason>' } },
    handler: async ({ app, query, req, ...call }) => {
      const location = await app.identity.sso.callback(query, cookie(req, FLOW_COOKIE), metaOf(call));
      return redirect(location, [flowCookie('', 0)]);
    },
  }),

  route({
    name: 'authSsoExchange',
    method: 'POST',
    route: 'v1/auth/sso/exchange',
    access: publicAccess,
    summary: 'Exchange the one-time SSO code for tokens (single use, 60 s); the refresh token is also set as a cookie, as after password login',
    tags: ['auth', 'sso'],
    body: z.strictObject({ code: z.string().min(10).max(512) }),
    responses: {
      200: { description: 'Tokens, or a second-factor challenge when the tenant policy requires our own MFA', schema: z.union([tokenPair, secondFactorChallenge]) },
      401: { description: 'Invalid, used or expired code' },
    },
    handler: async ({ app, body, ...call }) => {
      const result = await app.identity.sso.exchange(body.code, metaOf(call));
      if (result.kind === 'challenge') return { json: result.challenge };
      return tokensReply(result.tokens, result.session);
    },
  }),

  route({
    name: 'usersSsoLink',
    method: 'PUT',
    route: 'v1/users/{id}/sso-link',
    access: requires('users.manage'),
    summary: 'Link a user to a Microsoft Entra identity (tenant id + object id); replaces an earlier link',
    tags: ['users', 'sso'],
    params: z.strictObject({ id: idSchema }),
    ifMatch: true,
    body: z.strictObject({ tid: guid, oid: guid }),
    responses: {
      200: { description: 'Linked', schema: z.object({ userId: z.string(), tid: z.string(), oid: z.string(), createdAt: z.string() }) },
      404: { description: 'No such user' },
      409: { description: 'Identity linked to another user' },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const link = await app.identity.sso.linkUser(principal, params.id, body.tid, body.oid, ifMatch, metaOf(call));
      return { json: { userId: link.userId, tid: link.entraTenantId, oid: body.oid, createdAt: link.createdAt } };
    },
  }),

  route({
    name: 'usersSsoUnlink',
    method: 'DELETE',
    route: 'v1/users/{id}/sso-link',
    access: requires('users.manage'),
    summary: 'Remove the Entra link of a user',
    tags: ['users', 'sso'],
    params: z.strictObject({ id: idSchema }),
    ifMatch: true,
    responses: { 204: { description: 'Unlinked' }, 404: { description: 'No such user' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.identity.sso.accounts.unlink(principal.tenantId, params.id, ifMatch, actorOf(principal), metaOf(call));
      return { status: 204 };
    },
  }),
];
