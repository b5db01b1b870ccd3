import { z } from 'zod';
import { authenticated, requires } from '../shared/http/route.js';
import { etagOf } from '../shared/http/etag.js';
import { metaOf } from '../shared/audit/emit.js';
import { idSchema, text } from '../shared/identity/http/schemas.js';
import { PROPERTY_GROUP_KINDS, type PropertyGroupItem } from '../shared/identity/property-groups.js';
import { route } from './triggers.js';

/** The largest group: the reference hotel group of docs/capacity.md has 500 hotels. */
const MAX_MEMBERS = 1000;

const propertyIds = z
  .array(idSchema)
  .max(MAX_MEMBERS)
  .superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `'${id}' is listed twice` });
      seen.add(id);
    });
  })
  .describe('Ids of properties of this tenant; a property may be in several groups');

const groupBody = z.strictObject({
  kind: z.enum(PROPERTY_GROUP_KINDS).describe('What the group stands for'),
  name: text(120),
  propertyIds,
});
const groupPatch = groupBody.partial();

const groupView = z.object({
  id: z.string(),
  kind: z.enum(PROPERTY_GROUP_KINDS),
  name: z.string(),
  propertyIds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

function groupOut(g: PropertyGroupItem) {
  return { id: g.id, kind: g.kind, name: g.name, propertyIds: g.propertyIds, createdAt: g.createdAt, updatedAt: g.updatedAt };
}

const groupParams = z.strictObject({ groupId: idSchema });
const READ_ACCESS = 'Needs reports.rp.read, reports.pnl.read or properties.manage (any scope)';

export default [
  route({
    name: 'propertyGroupsList',
    method: 'GET',
    route: 'v1/property-groups',
    access: authenticated,
    summary: `List the property groups of the tenant. ${READ_ACCESS}`,
    tags: ['properties'],
    responses: { 200: { description: 'Groups, by name', schema: z.object({ items: z.array(groupView) }) }, 403: { description: 'No report or properties.manage permission' } },
    handler: async ({ app, principal }) => ({ json: { items: (await app.identity.propertyGroups.list(principal)).map(groupOut) } }),
  }),

  route({
    name: 'propertyGroupsCreate',
    method: 'POST',
    route: 'v1/property-groups',
    access: requires('properties.manage'),
    summary: 'Create a property group (brand, region, ownership or other); needs properties.manage over every property it lists',
    tags: ['properties'],
    body: groupBody,
    responses: { 201: { description: 'Created', schema: groupView }, 400: { description: 'Invalid body, or a property id of no property of this tenant' } },
    handler: async ({ app, principal, body, ...call }) => {
      const g = await app.identity.propertyGroups.create(principal, body, metaOf(call));
      return { status: 201, json: groupOut(g), etag: etagOf(g), headers: { Location: `/api/v1/property-groups/${g.id}` } };
    },
  }),

  route({
    name: 'propertyGroupsGet',
    method: 'GET',
    route: 'v1/property-groups/{groupId}',
    access: authenticated,
    summary: `Read a property group. ${READ_ACCESS}`,
    tags: ['properties'],
    params: groupParams,
    responses: { 200: { description: 'Group', schema: groupView }, 404: { description: 'No such group in your tenant' } },
    handler: async ({ app, principal, params }) => {
      const g = await app.identity.propertyGroups.get(principal, params.groupId);
      return { json: groupOut(g), etag: etagOf(g) };
    },
  }),

  route({
    name: 'propertyGroupsUpdate',
    method: 'PATCH',
    route: 'v1/property-groups/{groupId}',
    access: requires('properties.manage'),
    summary: 'Change a property group (If-Match honoured); needs properties.manage over its properties before and after',
    tags: ['properties'],
    params: groupParams,
    ifMatch: true,
    body: groupPatch,
    responses: { 200: { description: 'Group', schema: groupView }, 404: { description: 'No such group in your tenant' }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const g = await app.identity.propertyGroups.update(principal, params.groupId, body, ifMatch, metaOf(call));
      return { json: groupOut(g), etag: etagOf(g) };
    },
  }),

  route({
    name: 'propertyGroupsDelete',
    method: 'DELETE',
    route: 'v1/property-groups/{groupId}',
    access: requires('properties.manage'),
    summary: 'Delete a property group (If-Match honoured); the properties stay',
    tags: ['properties'],
    params: groupParams,
    ifMatch: true,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such group in your tenant' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.identity.propertyGroups.remove(principal, params.groupId, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),
];
