import { z } from 'zod';
import { authenticated, requires } from '../shared/http/route.js';
import { etagOf } from '../shared/http/etag.js';
import { metaOf } from '../shared/audit/emit.js';
import { accessTokenOnly, emailSchema, permissionSchema } from '../shared/identity/http/schemas.js';
import { route } from './triggers.js';

const grantView = z.object({
  id: z.string(),
  agent: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }),
  permissions: z.array(z.string()),
  status: z.enum(['active', 'expired', 'revoked']),
  approvedBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
});
const grantId = z.strictObject({ id: z.uuid() });

export default [
  route({
    name: 'supportGrantsList',
    method: 'GET',
    route: 'v1/support-grants',
    access: requires('support.grants.manage'),
    summary: "The tenant's support access grants (active, expired and revoked)",
    tags: ['support'],
    responses: { 200: { description: 'Grants', schema: z.object({ items: z.array(grantView) }) } },
    handler: async ({ app, principal }) => {
      const sg = app.identity.secondFactors.supportGrants;
      return { json: { items: await Promise.all((await sg.list(principal.tenantId)).map((g) => sg.view(g))) } };
    },
  }),

  route({
    name: 'supportGrantsApprove',
    method: 'POST',
    route: 'v1/support-grants',
    access: requires('support.grants.manage'),
    summary: 'Let a named platform support agent act in this tenant for a limited time, with permissions you hold',
    tags: ['support'],
    body: z.strictObject({ agentEmail: emailSchema, permissions: z.array(permissionSchema).min(1).max(20), hours: z.number().int().min(1) }),
    responses: { 201: { description: 'Approved', schema: grantView }, 400: { description: 'Unknown agent, too long, or an ungrantable permission' }, 403: { description: 'A permission you do not hold' } },
    handler: async ({ app, principal, body, ...call }) => {
      const sg = app.identity.secondFactors.supportGrants;
      const grant = await sg.approve(principal, body, metaOf(call));
      return { status: 201, json: await sg.view(grant), headers: { Location: `/api/v1/support-grants/${grant.grantId}` } };
    },
  }),

  route({
    name: 'supportGrantsGet',
    method: 'GET',
    route: 'v1/support-grants/{id}',
    access: requires('support.grants.manage'),
    summary: 'One support access grant',
    tags: ['support'],
    params: grantId,
    responses: { 200: { description: 'Grant', schema: grantView }, 404: { description: 'No such grant in your tenant' } },
    handler: async ({ app, principal, params }) => {
      const { grant, view } = await app.identity.secondFactors.supportGrants.read(principal, params.id);
      return { json: view, etag: etagOf(grant) };
    },
  }),

  route({
    name: 'supportGrantsRevoke',
    method: 'DELETE',
    route: 'v1/support-grants/{id}',
    access: requires('support.grants.manage'),
    summary: 'Revoke a support access grant: tokens minted for it stop working on their next request',
    tags: ['support'],
    params: grantId,
    ifMatch: true,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such grant in your tenant' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.identity.secondFactors.supportGrants.revoke(principal, params.id, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),

  route({
    name: 'authSupportSession',
    method: 'POST',
    route: 'v1/auth/support-session',
    access: authenticated,
    summary: 'A platform support agent exchanges their platform session for an access token in the customer tenant of an active grant',
    tags: ['auth', 'support'],
    body: z.strictObject({ grantId: z.uuid() }),
    responses: {
      200: {
        description: 'Access token bound to the grant (no refresh token: ask again when it expires)',
        schema: accessTokenOnly.extend({ tenantId: z.string(), grantExpiresAt: z.string() }),
      },
      403: { description: 'Not a platform support agent' },
      404: { description: 'No active grant for you with this id' },
    },
    handler: async ({ app, principal, body, ...call }) => ({ json: await app.identity.secondFactors.supportGrants.startSession(principal, body.grantId, metaOf(call)) }),
  }),
];
