import { z } from 'zod';
import { publicAccess } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { passwordSchema } from '../shared/identity/http/schemas.js';
import { route } from './triggers.js';

const resetToken = z.string().min(10).max(512);
const ACCEPTED = { message: 'If an account with this e-mail address exists, a reset link has been sent to it.' };

export default [
  route({
    name: 'authPasswordForgot',
    method: 'POST',
    route: 'v1/auth/password/forgot',
    access: publicAccess,
    summary: 'Ask for a password reset e-mail; always answers 202 the same way',
    tags: ['auth'],
    body: z.strictObject({ tenant: z.string().min(1).max(64), email: z.string().min(1).max(254) }),
    responses: { 202: { description: 'Accepted (whether or not the account exists)', schema: z.object({ message: z.string() }) }, 429: { description: 'Too many requests from this address' } },
    handler: async ({ app, body, ...call }) => {
      await app.identity.secondFactors.reset.request(body, metaOf(call));
      return { status: 202, json: ACCEPTED };
    },
  }),

  route({
    name: 'authPasswordResetSms',
    method: 'POST',
    route: 'v1/auth/password/reset/sms',
    access: publicAccess,
    summary: "Send an SMS code for a reset to the account's verified phone (accounts using SMS as second factor)",
    tags: ['auth'],
    body: z.strictObject({ token: resetToken }),
    responses: { 202: { description: 'Code sent' }, 400: { description: 'Invalid or expired reset token' }, 409: { description: 'No verified phone' }, 429: { description: 'Too many codes sent' } },
    handler: async ({ app, body, ...call }) => {
      await app.identity.secondFactors.reset.sendCode(body.token, metaOf(call));
      return { status: 202 };
    },
  }),

  route({
    name: 'authPasswordReset',
    method: 'POST',
    route: 'v1/auth/password/reset',
    access: publicAccess,
    summary: 'Set a new password with the e-mailed token (single use, ≤ 60 min) — plus a second factor when the account has one; ends every session',
    tags: ['auth'],
    body: z.strictObject({ token: resetToken, password: passwordSchema, method: z.enum(['totp', 'sms', 'recovery']).optional(), code: z.string().trim().min(6).max(16).optional() }),
    responses: {
      204: { description: 'Password changed; all sessions ended' },
      400: { description: 'Invalid/expired/used token, or password refused by the policy' },
      401: { description: 'A valid second factor is required' },
    },
    handler: async ({ app, body, ...call }) => {
      await app.identity.secondFactors.reset.reset(body, metaOf(call));
      return { status: 204 };
    },
  }),
];
