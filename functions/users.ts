import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { etagOf } from '../shared/http/etag.js';
import { decodeContinuation, encodeContinuation, pageQuery } from '../shared/http/pagination.js';
import { assignmentSchema, emailSchema, idSchema, text, userView } from '../shared/identity/http/schemas.js';
import { metaOf } from '../shared/audit/emit.js';
import { route } from './triggers.js';

const userParams = z.strictObject({ id: idSchema });

export default [
  route({
    name: 'usersList',
    method: 'GET',
    route: 'v1/users',
    access: requires('users.read'),
    summary: 'List users of the tenant (continuation)',
    tags: ['users'],
    query: z.strictObject(pageQuery),
    responses: { 200: { description: 'A page of users', schema: z.object({ items: z.array(userView), continuation: z.string().optional() }) } },
    handler: async ({ app, principal, query }) => {
      const scope = { list: 'users', tenant: principal.tenantId };
      const page = await app.identity.users.list(principal.tenantId, query.limit, decodeContinuation(query.continuation, scope));
      return { json: { items: await Promise.all(page.items.map((u) => app.identity.users.view(u))), continuation: encodeContinuation(page.continuation, scope) } };
    },
  }),

  route({
    name: 'usersInvite',
    method: 'POST',
    route: 'v1/users',
    access: requires('users.manage'),
    summary: 'Invite a user (an e-mail with a single-use, expiring link is sent)',
    tags: ['users'],
    body: z.strictObject({
      email: emailSchema,
      firstName: text(100),
      lastName: text(100),
      jobTitle: text(200).optional(),
      employeeNumber: text(64).optional(),
      roles: z.array(assignmentSchema).max(50).default([]),
    }),
    responses: { 201: { description: 'Invited', schema: userView }, 403: { description: 'Role beyond your own permissions' }, 409: { description: 'E-mail already used' } },
    handler: async ({ app, principal, body, ...call }) => {
      const user = await app.identity.users.invite(principal, body, metaOf(call));
      return { status: 201, json: await app.identity.users.view(user), etag: etagOf(user), headers: { Location: `/api/v1/users/${user.id}` } };
    },
  }),

  route({
    name: 'usersGet',
    method: 'GET',
    route: 'v1/users/{id}',
    access: requires('users.read'),
    summary: 'Read a user',
    tags: ['users'],
    params: userParams,
    responses: { 200: { description: 'User', schema: userView } },
    handler: async ({ app, principal, params }) => {
      const { user, view } = await app.identity.users.read(principal, params.id);
      return { json: view, etag: etagOf(user) };
    },
  }),

  route({
    name: 'usersUpdate',
    method: 'PATCH',
    route: 'v1/users/{id}',
    access: requires('users.manage'),
    summary: "Update a user's profile (If-Match supported; changing the e-mail requires recent authentication)",
    tags: ['users'],
    params: userParams,
    ifMatch: true,
    body: z.strictObject({
      email: emailSchema.optional(),
      firstName: text(100).optional(),
      lastName: text(100).optional(),
      jobTitle: text(200).optional(),
      employeeNumber: text(64).optional(),
    }),
    responses: { 200: { description: 'User', schema: userView }, 409: { description: 'E-mail already used' }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const saved = await app.identity.users.update(principal, params.id, body, ifMatch, metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'usersDelete',
    method: 'DELETE',
    route: 'v1/users/{id}',
    access: requires('users.manage'),
    summary: 'Remove a user: removed outright if no history refers to the account, otherwise redacted (see docs/privacy.md); the answer says which (If-Match honoured)',
    tags: ['users'],
    params: userParams,
    ifMatch: true,
    responses: {
      200: { description: 'Removed: account, identity items and data key gone', schema: z.object({ outcome: z.literal('removed') }) },
      202: { description: 'Redacted instead (history refers to the account): login disabled at once, the redaction job finishes the rest', schema: z.object({ outcome: z.literal('redacted'), jobId: z.string() }) },
      409: { description: 'Last owner' },
    },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      const result = await app.privacy.removeAccount(principal, params.id, ifMatch, metaOf(call));
      return { status: result.outcome === 'removed' ? 200 : 202, json: result };
    },
  }),

  route({
    name: 'usersDisable',
    method: 'POST',
    route: 'v1/users/{id}/disable',
    access: requires('users.manage'),
    summary: 'Disable a user; all their sessions end',
    tags: ['users'],
    params: userParams,
    responses: { 200: { description: 'User', schema: userView }, 409: { description: 'Last owner, or not an active account' } },
    handler: async ({ app, principal, params, ...call }) => {
      const saved = await app.identity.users.disable(principal, params.id, metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'usersEnable',
    method: 'POST',
    route: 'v1/users/{id}/enable',
    access: requires('users.manage'),
    summary: 'Enable a disabled user',
    tags: ['users'],
    params: userParams,
    responses: { 200: { description: 'User', schema: userView } },
    handler: async ({ app, principal, params, ...call }) => {
      const saved = await app.identity.users.setStatus(principal, params.id, 'active', metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'usersUnlock',
    method: 'POST',
    route: 'v1/users/{id}/unlock',
    access: requires('users.manage'),
    summary: 'Lift a lockout after failed logins',
    tags: ['users'],
    params: userParams,
    responses: { 200: { description: 'User', schema: userView } },
    handler: async ({ app, principal, params, ...call }) => {
      const saved = await app.identity.users.unlock(principal, params.id, metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'usersRoles',
    method: 'PUT',
    route: 'v1/users/{id}/roles',
    access: requires('users.manage'),
    summary: "Replace a user's role assignments (all properties or a list); If-Match supported",
    tags: ['users'],
    params: userParams,
    ifMatch: true,
    body: z.strictObject({ roles: z.array(assignmentSchema).max(50) }),
    responses: { 200: { description: 'User', schema: userView }, 403: { description: 'Role beyond your own permissions' }, 409: { description: 'Last owner' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const saved = await app.identity.users.assignRoles(principal, params.id, body.roles, ifMatch, metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),
];
