import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { authorize } from '../shared/access/authorize.js';
import type { Principal } from '../shared/access/principal.js';
import { etagOf } from '../shared/http/etag.js';
import { decodeContinuation, encodeContinuation, pageQuery } from '../shared/http/pagination.js';
import { badRequest, conflict, forbidden } from '../shared/http/problem.js';
import { assignmentSchema, emailSchema, idSchema, text, userView } from '../shared/identity/http/schemas.js';
import { actor, metaOf } from '../shared/identity/http/meta.js';
import { canDelegate } from '../shared/identity/roles.js';
import type { App } from '../shared/app.js';
import type { RoleAssignment, UserItem } from '../shared/identity/model.js';
import { route } from './triggers.js';

const userParams = z.strictObject({ id: idSchema });

/**
 * Loads a user for an operation. Managing a user (profile, e-mail, status, lockout, roles, removal)
 * also requires holding every permission the user holds: otherwise an admin could, say, change an
 * owner's e-mail address and take the account over through a password reset.
 */
async function loadUser(app: App, principal: Principal, id: string, permission: 'users.read' | 'users.manage'): Promise<UserItem> {
  const user = await app.identity.users.require(principal.tenantId, id);
  authorize(principal, permission, { tenantId: user.tenantId, kind: 'user' });
  if (permission === 'users.manage') {
    const defs = await app.identity.roles.definitions(principal.tenantId);
    for (const a of user.roles) {
      const role = defs.get(a.roleId);
      if (role && !canDelegate(principal, role, a.scope)) throw forbidden("You can't manage a user who holds permissions you don't hold.");
    }
  }
  return user;
}

/**
 * Checks a change of role assignments: every role added or taken away must be one the caller could
 * hold over that scope (nobody grants, or removes, what they don't hold), and its properties must exist.
 */
async function assertCanAssign(app: App, principal: Principal, before: RoleAssignment[], after: RoleAssignment[]): Promise<void> {
  const defs = await app.identity.roles.definitions(principal.tenantId);
  const key = (a: RoleAssignment) => JSON.stringify([a.roleId, a.scope]);
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const changed = [...after.filter((a) => !beforeKeys.has(key(a))), ...before.filter((a) => !afterKeys.has(key(a)))];
  for (const a of changed) {
    const role = defs.get(a.roleId);
    if (!role) throw badRequest(`Unknown role '${a.roleId}'.`, [{ field: 'body.roles', message: `unknown role ${a.roleId}` }]);
    if (!canDelegate(principal, role, a.scope)) throw forbidden(`You can't grant or remove the role '${a.roleId}': it carries permissions you don't hold over that scope.`);
  }
  await app.identity.users.assertPropertiesExist(principal.tenantId, after.map((a) => a.scope));
}

function dedupe(roles: RoleAssignment[]): RoleAssignment[] {
  const seen = new Set<string>();
  return roles.filter((r) => {
    const k = JSON.stringify([r.roleId, r.scope]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

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
      const roles = dedupe(body.roles);
      await assertCanAssign(app, principal, [], roles);
      const user = await app.identity.users.create(principal.tenantId, { ...body, roles }, actor(principal), metaOf(call));
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
      const user = await loadUser(app, principal, params.id, 'users.read');
      return { json: await app.identity.users.view(user), etag: etagOf(user) };
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
      await loadUser(app, principal, params.id, 'users.manage');
      // The e-mail is where password resets go: changing it is an account takeover unless the admin just proved who they are.
      if (body.email !== undefined) app.identity.secondFactors.challenges.assertRecent(principal);
      const saved = await app.identity.users.updateProfile(principal.tenantId, params.id, body, ifMatch, actor(principal), metaOf(call));
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
      const user = await loadUser(app, principal, params.id, 'users.manage');
      if (user.id === principal.userId) throw conflict('You cannot remove your own account.');
      await assertCanAssign(app, principal, user.roles, []);
      const result = await app.privacy.removeAccount(principal.tenantId, user.id, ifMatch, actor(principal), metaOf(call));
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
      const user = await loadUser(app, principal, params.id, 'users.manage');
      await assertCanAssign(app, principal, user.roles, []);
      const saved = await app.identity.users.setStatus(principal.tenantId, params.id, 'disabled', actor(principal), metaOf(call));
      await app.identity.sessions.revokeAll(principal.tenantId, params.id, 'user_disabled');
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
      const user = await loadUser(app, principal, params.id, 'users.manage');
      await assertCanAssign(app, principal, user.roles, []);
      const saved = await app.identity.users.setStatus(principal.tenantId, params.id, 'active', actor(principal), metaOf(call));
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
      await loadUser(app, principal, params.id, 'users.manage');
      const saved = await app.identity.users.unlock(principal.tenantId, params.id, actor(principal), metaOf(call));
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
      const user = await loadUser(app, principal, params.id, 'users.manage');
      const roles = dedupe(body.roles);
      await assertCanAssign(app, principal, user.roles, roles);
      const saved = await app.identity.users.setRoles(principal.tenantId, params.id, roles, ifMatch, actor(principal), metaOf(call));
      return { json: await app.identity.users.view(saved), etag: etagOf(saved) };
    },
  }),
];
