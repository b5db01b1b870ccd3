import { z } from 'zod';
import { publicAccess, authenticated } from '../shared/http/route.js';
import { forbidden } from '../shared/http/problem.js';
import { etagOf } from '../shared/http/etag.js';
import type { Principal } from '../shared/access/principal.js';
import type { App } from '../shared/app.js';
import { actorOf, metaOf } from '../shared/audit/emit.js';
import { accessTokenOnly, passwordSchema, tokenPair } from '../shared/identity/http/schemas.js';
import { tokensReply } from './auth.js';
import { route } from './triggers.js';

const codeSchema = z.string().trim().min(6).max(16);
const challengeToken = z.string().min(10).max(512);
const phoneSchema = z.string().trim().max(20);
const methodSchema = z.enum(['totp', 'sms', 'recovery']);

const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()).length(10) });
const totpStart = z.object({ secret: z.string(), otpauthUri: z.string() });
const statusSchema = z.object({
  required: z.boolean(),
  methods: z.array(methodSchema),
  totp: z.object({ enabled: z.boolean(), pending: z.boolean() }),
  sms: z.object({ enabled: z.boolean(), pending: z.boolean(), phone: z.string().nullable() }),
  recoveryCodesRemaining: z.number(),
});

/** The caller's own account, for routes a support agent (acting in someone else's tenant) can't use. */
async function self(app: App, principal: Principal) {
  if (principal.kind === 'support-agent') throw forbidden('Support agents cannot change second factors in a customer tenant.');
  return app.identity.users.require(principal.tenantId, principal.userId);
}

/** Re-authentication gate, then the caller's account. */
async function recentSelf(app: App, principal: Principal) {
  const user = await self(app, principal);
  app.identity.secondFactors.challenges.assertRecent(principal);
  return user;
}

/** After a change of factors, every other session of the user ends (ASVS 7.4.3). */
async function endOtherSessions(app: App, principal: Principal): Promise<void> {
  await app.identity.sessions.revokeAll(principal.tenantId, principal.userId, 'mfa_changed', principal.sessionId);
}

export default [
  // ---- sign-in: the second step -------------------------------------------------------------
  route({
    name: 'authMfaVerify',
    method: 'POST',
    route: 'v1/auth/mfa/verify',
    access: publicAccess,
    summary: 'Second step of a login: the mfaToken from /auth/login and a TOTP, SMS or recovery code',
    tags: ['auth', 'mfa'],
    body: z.strictObject({ mfaToken: challengeToken, method: methodSchema, code: codeSchema }),
    responses: { 200: { description: 'Tokens (refresh token also as a cookie)', schema: tokenPair }, 401: { description: 'Invalid code, or invalid/expired/used mfaToken' } },
    handler: async ({ app, body, ...call }) => {
      const result = await app.identity.secondFactors.challenges.verifyLogin(body.mfaToken, body.method, body.code, metaOf(call));
      return tokensReply(result.tokens, result.session);
    },
  }),

  route({
    name: 'authMfaSmsSend',
    method: 'POST',
    route: 'v1/auth/mfa/sms/send',
    access: publicAccess,
    summary: "Send a login code to the user's verified phone number (rate-limited)",
    tags: ['auth', 'mfa'],
    body: z.strictObject({ mfaToken: challengeToken }),
    responses: { 202: { description: 'Code sent' }, 401: { description: 'Invalid or expired mfaToken' }, 409: { description: 'No verified phone' }, 429: { description: 'Too many codes sent' } },
    handler: async ({ app, body, ...call }) => {
      await app.identity.secondFactors.challenges.sendLoginCode(body.mfaToken, metaOf(call));
      return { status: 202 };
    },
  }),

  route({
    name: 'authMfaEnrollTotp',
    method: 'POST',
    route: 'v1/auth/mfa/enroll/totp',
    access: publicAccess,
    summary: 'Enrolment at login (MFA required, none enrolled): start TOTP enrolment with the enrollmentToken',
    tags: ['auth', 'mfa'],
    body: z.strictObject({ enrollmentToken: challengeToken }),
    responses: { 200: { description: 'Secret and otpauth:// URI (show as a QR code)', schema: totpStart }, 401: { description: 'Invalid or expired enrollmentToken' } },
    handler: async ({ app, body }) => ({ json: await app.identity.secondFactors.challenges.enrollTotp(body.enrollmentToken) }),
  }),

  route({
    name: 'authMfaEnrollTotpConfirm',
    method: 'POST',
    route: 'v1/auth/mfa/enroll/totp/confirm',
    access: publicAccess,
    summary: 'Enrolment at login: confirm TOTP with a code → recovery codes (shown once) and tokens',
    tags: ['auth', 'mfa'],
    body: z.strictObject({ enrollmentToken: challengeToken, code: codeSchema }),
    responses: { 200: { description: 'Tokens and recovery codes', schema: tokenPair.extend(recoveryCodes.shape) }, 400: { description: 'Invalid code' }, 401: { description: 'Invalid or expired enrollmentToken' } },
    handler: async ({ app, body, ...call }) => {
      const { result, recoveryCodes: codes } = await app.identity.secondFactors.challenges.confirmEnrollment(body.enrollmentToken, 'totp', body.code, metaOf(call));
      const reply = tokensReply(result.tokens, result.session);
      return { ...reply, json: { ...result.tokens, recoveryCodes: codes } };
    },
  }),

  route({
    name: 'authMfaEnrollSms',
    method: 'POST',
    route: 'v1/auth/mfa/enroll/sms',
    access: publicAccess,
    summary: 'Enrolment at login: send a verification code to a phone number',
    tags: ['auth', 'mfa'],
    body: z.strictObject({ enrollmentToken: challengeToken, phone: phoneSchema }),
    responses: { 202: { description: 'Code sent' }, 400: { description: 'Not an E.164 number' }, 401: { description: 'Invalid or expired enrollmentToken' }, 429: { description: 'Too many codes sent' } },
    handler: async ({ app, body, ...call }) => {
      await app.identity.secondFactors.challenges.enrollSms(body.enrollmentToken, body.phone, metaOf(call));
      return { status: 202 };
    },
  }),

  route({
    name: 'authMfaEnrollSmsConfirm',
    method: 'POST',
    route: 'v1/auth/mfa/enroll/sms/confirm',
    access: publicAccess,
    summary: 'Enrolment at login: confirm the phone number with the code → recovery codes and tokens',
    tags: ['auth', 'mfa'],
    body: z.strictObject({ enrollmentToken: challengeToken, code: codeSchema }),
    responses: { 200: { description: 'Tokens and recovery codes', schema: tokenPair.extend(recoveryCodes.shape) }, 400: { description: 'Invalid or expired code' }, 401: { description: 'Invalid or expired enrollmentToken' } },
    handler: async ({ app, body, ...call }) => {
      const { result, recoveryCodes: codes } = await app.identity.secondFactors.challenges.confirmEnrollment(body.enrollmentToken, 'sms', body.code, metaOf(call));
      const reply = tokensReply(result.tokens, result.session);
      return { ...reply, json: { ...result.tokens, recoveryCodes: codes } };
    },
  }),

  // ---- re-authentication ----------------------------------------------------------------------
  route({
    name: 'meReauthenticate',
    method: 'POST',
    route: 'v1/me/reauthenticate',
    access: authenticated,
    summary: 'Confirm the password or a second factor; returns an access token with a fresh auth_time (needed before changing e-mail, password or MFA)',
    tags: ['me', 'mfa'],
    body: z.union([z.strictObject({ password: passwordSchema }), z.strictObject({ method: methodSchema, code: codeSchema })]),
    responses: { 200: { description: 'A fresh access token', schema: accessTokenOnly }, 401: { description: 'Wrong password or code' } },
    handler: async ({ app, principal, body, ...call }) => {
      await self(app, principal);
      const input = 'password' in body ? { password: body.password } : { method: body.method, code: body.code };
      return { json: await app.identity.secondFactors.challenges.reauthenticate(principal, input, metaOf(call)) };
    },
  }),

  route({
    name: 'meMfaSmsSend',
    method: 'POST',
    route: 'v1/me/mfa/sms/send',
    access: authenticated,
    summary: 'Send a code to your verified phone, to re-authenticate with it',
    tags: ['me', 'mfa'],
    responses: { 202: { description: 'Code sent' }, 409: { description: 'No verified phone' }, 429: { description: 'Too many codes sent' } },
    handler: async ({ app, principal, ...call }) => {
      await app.identity.secondFactors.mfa.sendCode(await self(app, principal), 'reauth', metaOf(call));
      return { status: 202 };
    },
  }),

  // ---- managing one's own factors --------------------------------------------------------------
  route({
    name: 'meMfa',
    method: 'GET',
    route: 'v1/me/mfa',
    access: authenticated,
    summary: 'Your second factors: what is enrolled, whether your role requires one, recovery codes left',
    tags: ['me', 'mfa'],
    responses: { 200: { description: 'Status', schema: statusSchema } },
    handler: async ({ app, principal }) => {
      const user = await self(app, principal);
      const enrolment = await app.identity.secondFactors.mfa.get(user.tenantId, user.id);
      return { json: await app.identity.secondFactors.mfa.status(user), etag: enrolment ? etagOf(enrolment) : undefined };
    },
  }),

  route({
    name: 'meMfaTotpStart',
    method: 'POST',
    route: 'v1/me/mfa/totp',
    access: authenticated,
    summary: 'Start enrolling an authenticator app (recent authentication required); active once confirmed',
    tags: ['me', 'mfa'],
    responses: { 200: { description: 'Secret and otpauth:// URI', schema: totpStart }, 403: { description: 'Re-authentication required' } },
    handler: async ({ app, principal }) => {
      const user = await recentSelf(app, principal);
      const sf = app.identity.secondFactors;
      return { json: await sf.mfa.startTotp(user, await sf.challenges.label(user)) };
    },
  }),

  route({
    name: 'meMfaTotpConfirm',
    method: 'POST',
    route: 'v1/me/mfa/totp/confirm',
    access: authenticated,
    summary: 'Confirm the authenticator app with a code; returns 10 new single-use recovery codes (shown once) and ends your other sessions',
    tags: ['me', 'mfa'],
    body: z.strictObject({ code: codeSchema }),
    responses: { 200: { description: 'Recovery codes', schema: recoveryCodes }, 400: { description: 'Invalid code' }, 403: { description: 'Re-authentication required' } },
    handler: async ({ app, principal, body, ...call }) => {
      const user = await recentSelf(app, principal);
      const result = await app.identity.secondFactors.mfa.confirmTotp(user, body.code, actorOf(principal), metaOf(call));
      await endOtherSessions(app, principal);
      return { json: result };
    },
  }),

  route({
    name: 'meMfaTotpDelete',
    method: 'DELETE',
    route: 'v1/me/mfa/totp',
    access: authenticated,
    summary: 'Remove the authenticator app (recent authentication required); ends your other sessions',
    tags: ['me', 'mfa'],
    ifMatch: true,
    responses: { 204: { description: 'Removed' }, 403: { description: 'Re-authentication required' }, 409: { description: 'Not enrolled, or your last required factor' } },
    handler: async ({ app, principal, ifMatch, ...call }) => {
      const user = await recentSelf(app, principal);
      // The precondition is on the enrolment, whose ETag GET /me/mfa shows.
      await app.identity.secondFactors.mfa.remove(user, 'totp', ifMatch, actorOf(principal), metaOf(call));
      await endOtherSessions(app, principal);
      return { status: 204 };
    },
  }),

  route({
    name: 'meMfaSmsStart',
    method: 'POST',
    route: 'v1/me/mfa/sms',
    access: authenticated,
    summary: 'Start verifying a phone number for SMS codes (recent authentication required)',
    tags: ['me', 'mfa'],
    body: z.strictObject({ phone: phoneSchema }),
    responses: { 202: { description: 'Code sent' }, 400: { description: 'Not an E.164 number' }, 403: { description: 'Re-authentication required' }, 429: { description: 'Too many codes sent' } },
    handler: async ({ app, principal, body, ...call }) => {
      const user = await recentSelf(app, principal);
      await app.identity.secondFactors.mfa.startSms(user, body.phone, metaOf(call));
      return { status: 202 };
    },
  }),

  route({
    name: 'meMfaSmsConfirm',
    method: 'POST',
    route: 'v1/me/mfa/sms/confirm',
    access: authenticated,
    summary: 'Confirm the phone number with the code sent to it; returns 10 new recovery codes and ends your other sessions',
    tags: ['me', 'mfa'],
    body: z.strictObject({ code: codeSchema }),
    responses: { 200: { description: 'Recovery codes', schema: recoveryCodes }, 400: { description: 'Invalid or expired code' }, 403: { description: 'Re-authentication required' } },
    handler: async ({ app, principal, body, ...call }) => {
      const user = await recentSelf(app, principal);
      const result = await app.identity.secondFactors.mfa.confirmSms(user, body.code, actorOf(principal), metaOf(call));
      await endOtherSessions(app, principal);
      return { json: result };
    },
  }),

  route({
    name: 'meMfaSmsDelete',
    method: 'DELETE',
    route: 'v1/me/mfa/sms',
    access: authenticated,
    summary: 'Remove the phone number (recent authentication required); ends your other sessions',
    tags: ['me', 'mfa'],
    ifMatch: true,
    responses: { 204: { description: 'Removed' }, 403: { description: 'Re-authentication required' }, 409: { description: 'Not enrolled, or your last required factor' } },
    handler: async ({ app, principal, ifMatch, ...call }) => {
      const user = await recentSelf(app, principal);
      // The precondition is on the enrolment, whose ETag GET /me/mfa shows.
      await app.identity.secondFactors.mfa.remove(user, 'sms', ifMatch, actorOf(principal), metaOf(call));
      await endOtherSessions(app, principal);
      return { status: 204 };
    },
  }),

  route({
    name: 'meMfaRecoveryCodes',
    method: 'POST',
    route: 'v1/me/mfa/recovery-codes',
    access: authenticated,
    summary: 'Replace your recovery codes with 10 new ones (recent authentication required)',
    tags: ['me', 'mfa'],
    responses: { 200: { description: 'Recovery codes', schema: recoveryCodes }, 403: { description: 'Re-authentication required' }, 409: { description: 'No second factor enrolled' } },
    handler: async ({ app, principal, ...call }) => {
      const user = await recentSelf(app, principal);
      return { json: await app.identity.secondFactors.mfa.regenerateRecoveryCodes(user, actorOf(principal), metaOf(call)) };
    },
  }),
];
