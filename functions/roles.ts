import { z } from 'zod';
import { requires, authenticated } from '../shared/http/route.js';
import { PERMISSIONS } from '../shared/access/permissions.js';
import { etagOf } from '../shared/http/etag.js';
import { idSchema, permissionSchema, text } from '../shared/identity/http/schemas.js';
import { metaOf } from '../shared/audit/emit.js';
import { BUILT_IN_ROLES, customRoleDefinition } from '../shared/identity/roles.js';
import { roleIdOf } from '../shared/identity/custom-roles.js';
import type { RoleItem } from '../shared/identity/model.js';
import { route } from './triggers.js';

const roleView = z.object({ id: z.string(), name: z.string(), description: z.string(), permissions: z.array(z.string()), builtIn: z.boolean() });

function roleOut(item: RoleItem) {
  return { ...customRoleDefinition(item), id: roleIdOf(item) };
}

const roleParams = z.strictObject({ id: idSchema });

export default [
  route({
    name: 'permissionsList',
    method: 'GET',
    route: 'v1/permissions',
    access: authenticated,
    summary: 'The permission catalogue',
    tags: ['roles'],
    responses: { 200: { description: 'Permissions', schema: z.object({ items: z.array(z.object({ id: z.string(), description: z.string() })) }) } },
    handler: async () => ({ json: { items: Object.entries(PERMISSIONS).map(([id, description]) => ({ id, description })) }, headers: { 'Cache-Control': 'private, max-age=300' } }),
  }),

  route({
    name: 'rolesList',
    method: 'GET',
    route: 'v1/roles',
    access: requires('users.read'),
    summary: 'Built-in and custom roles of the tenant',
    tags: ['roles'],
    responses: { 200: { description: 'Roles', schema: z.object({ items: z.array(roleView) }) } },
    handler: async ({ app, principal }) => {
      const custom = await app.identity.roles.custom(principal.tenantId);
      return { json: { items: [...BUILT_IN_ROLES, ...custom.map(roleOut)] } };
    },
  }),

  route({
    name: 'rolesCreate',
    method: 'POST',
    route: 'v1/roles',
    access: requires('roles.manage'),
    summary: 'Create a custom role (only with permissions you hold)',
    tags: ['roles'],
    body: z.strictObject({ name: text(100), description: text(500).default(''), permissions: z.array(permissionSchema).min(1).max(50) }),
    responses: { 201: { description: 'Created', schema: roleView }, 403: { description: 'Permission you lack' }, 409: { description: 'Name taken' } },
    handler: async ({ app, principal, body, ...call }) => {
      const item = await app.identity.roles.create(principal, body, metaOf(call));
      return { status: 201, json: roleOut(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'rolesGet',
    method: 'GET',
    route: 'v1/roles/{id}',
    access: requires('users.read'),
    summary: 'Read a role',
    tags: ['roles'],
    params: roleParams,
    responses: { 200: { description: 'Role', schema: roleView } },
    handler: async ({ app, principal, params }) => {
      const builtIn = BUILT_IN_ROLES.find((r) => r.id === params.id);
      if (builtIn) return { json: builtIn };
      const item = await app.identity.roles.readable(principal, params.id);
      return { json: roleOut(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'rolesUpdate',
    method: 'PATCH',
    route: 'v1/roles/{id}',
    access: requires('roles.manage'),
    summary: 'Update a custom role (If-Match supported); holders get the new permissions at once',
    tags: ['roles'],
    params: roleParams,
    ifMatch: true,
    body: z.strictObject({ name: text(100).optional(), description: text(500).optional(), permissions: z.array(permissionSchema).min(1).max(50).optional() }),
    responses: { 200: { description: 'Role', schema: roleView }, 403: { description: 'Permission you lack' }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.identity.roles.update(principal, params.id, body, ifMatch, metaOf(call));
      return { json: roleOut(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'rolesDelete',
    method: 'DELETE',
    route: 'v1/roles/{id}',
    access: requires('roles.manage'),
    summary: 'Delete a custom role that nobody holds (If-Match honoured)',
    tags: ['roles'],
    params: roleParams,
    ifMatch: true,
    responses: { 204: { description: 'Deleted' }, 409: { description: 'Still assigned, or built-in' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.identity.roles.remove(principal, params.id, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),
];
