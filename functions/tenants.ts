import { z } from 'zod';
import { platformOnly, requires, authenticated } from '../shared/http/route.js';
import { holds } from '../shared/access/authorize.js';
import { ALL_PERMISSIONS, type Permission } from '../shared/access/permissions.js';
import { etagOf } from '../shared/http/etag.js';
import { decodeContinuation, encodeContinuation, pageQuery } from '../shared/http/pagination.js';
import { slug } from '../shared/http/identifiers.js';
import { PLATFORM_TENANT } from '../shared/platform/topology.js';
import { currencySchema, emailSchema, idSchema, text, timezoneSchema } from '../shared/identity/http/schemas.js';
import { actorOf, metaOf } from '../shared/audit/emit.js';
import type { TenantItem } from '../shared/identity/tenants.js';
import type { DepartmentItem, PropertyItem } from '../shared/identity/property-items.js';
import { DEFAULT_PLANNING_POLICY, type SettingsItem } from '../shared/identity/model.js';
import { monthlySpreadSchema, roomsRevenueSourceSchema } from '../shared/identity/property-settings.js';
import { settingsPatch, settingsSchema } from '../shared/identity/settings-schema.js';
import { route } from './triggers.js';

const usali = z.enum(['rooms', 'fnb', 'other_operated', 'misc_income', 'admin_general', 'it_telecom', 'sales_marketing', 'maintenance', 'utilities', 'other']);
const driver = z.enum(['roomsSold', 'covers', 'guests', 'revenue', 'none']);

const tenantView = z.object({ id: z.string(), slug: z.string(), name: z.string(), dataRegion: z.string(), status: z.string(), createdAt: z.string() });
const propertyView = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  roomsAvailable: z.number(),
  settings: z.object({ excludeOutOfOrderFromAvailable: z.boolean(), roomsRevenueSource: roomsRevenueSourceSchema.optional(), monthlySpread: monthlySpreadSchema.optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const departmentView = z.object({
  id: z.string(),
  propertyId: z.string(),
  code: z.string(),
  name: z.string(),
  usaliDepartment: usali,
  standardHoursPerUnit: z.number().nullable(),
  driver,
  createdAt: z.string(),
  updatedAt: z.string(),
});

function tenantOut(t: TenantItem) {
  return { id: t.tenantRef, slug: t.slug, name: t.name, dataRegion: t.dataRegion, status: t.status, createdAt: t.createdAt };
}
function propertyOut(p: PropertyItem) {
  return { id: p.id, name: p.name, timezone: p.timezone, currency: p.currency, roomsAvailable: p.roomsAvailable, settings: p.settings, createdAt: p.createdAt, updatedAt: p.updatedAt };
}
function departmentOut(d: DepartmentItem) {
  return {
    id: d.id,
    propertyId: d.propertyId,
    code: d.code,
    name: d.name,
    usaliDepartment: d.usaliDepartment,
    standardHoursPerUnit: d.standardHoursPerUnit,
    driver: d.driver,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

const propertyBody = z.strictObject({
  name: text(200),
  timezone: timezoneSchema,
  currency: currencySchema,
  roomsAvailable: z.number().int().min(0).max(100_000),
  settings: z
    .strictObject({ excludeOutOfOrderFromAvailable: z.boolean().optional(), roomsRevenueSource: roomsRevenueSourceSchema.optional(), monthlySpread: monthlySpreadSchema.optional() })
    .optional(),
});
const departmentFields = {
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  name: text(200),
  usaliDepartment: usali,
  standardHoursPerUnit: z.number().min(0).max(1000).nullable(),
  driver,
};
const departmentBody = z.strictObject({ ...departmentFields, standardHoursPerUnit: departmentFields.standardHoursPerUnit.optional(), driver: driver.default('none') });
const departmentPatch = z.strictObject(departmentFields).partial();

const settingsView = settingsSchema.extend({
  mfa: z.object({ requiredForRoles: z.array(z.string()), requiredForPermissions: z.array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]])) }),
  updatedAt: z.string(),
});

function settingsOut(s: SettingsItem) {
  return { password: s.password, mfa: s.mfa, lockout: s.lockout, session: s.session, planning: s.planning ?? { ...DEFAULT_PLANNING_POLICY }, updatedAt: s.updatedAt };
}

const propertyParams = z.strictObject({ propertyId: idSchema });
const departmentParams = z.strictObject({ propertyId: idSchema, departmentId: idSchema });

export default [
  route({
    name: 'tenantsCreate',
    method: 'POST',
    route: 'v1/tenants',
    access: platformOnly,
    summary: 'Create a customer tenant (platform operators)',
    tags: ['tenants'],
    body: z.strictObject({
      slug,
      name: text(200),
      dataRegion: z.string().regex(/^[a-z0-9]{2,32}$/).default('westeurope'),
      owner: z.strictObject({ email: emailSchema, firstName: text(100), lastName: text(100) }),
    }),
    responses: { 201: { description: 'Created; the owner is invited by e-mail', schema: tenantView.extend({ ownerId: z.string() }) }, 409: { description: 'Slug taken' } },
    handler: async ({ app, body, principal, ...call }) => {
      const { tenant, ownerId } = await app.identity.onboarding.create(principal, body, metaOf(call));
      return { status: 201, json: { ...tenantOut(tenant), ownerId }, headers: { Location: `/api/v1/tenants/${tenant.tenantRef}` } };
    },
  }),

  route({
    name: 'tenantsList',
    method: 'GET',
    route: 'v1/tenants',
    access: platformOnly,
    summary: 'List customer tenants (platform operators)',
    tags: ['tenants'],
    query: z.strictObject(pageQuery),
    responses: { 200: { description: 'A page of tenants', schema: z.object({ items: z.array(tenantView), continuation: z.string().optional() }) } },
    handler: async ({ app, query }) => {
      const scope = { list: 'tenants' };
      const page = await app.identity.tenants.list(decodeContinuation(query.continuation, scope), query.limit);
      return { json: { items: page.items.map(tenantOut), continuation: encodeContinuation(page.continuation, scope) } };
    },
  }),

  route({
    name: 'tenantSettingsGet',
    method: 'GET',
    route: 'v1/tenant/settings',
    access: requires('settings.manage'),
    summary: 'Read the tenant password, MFA, lockout and session policies',
    tags: ['tenants'],
    responses: { 200: { description: 'Settings', schema: settingsView } },
    handler: async ({ app, principal }) => {
      const s = await app.identity.tenants.settings(principal.tenantId);
      return { json: settingsOut(s), etag: etagOf(s) };
    },
  }),

  route({
    name: 'tenantSettingsUpdate',
    method: 'PATCH',
    route: 'v1/tenant/settings',
    access: requires('settings.manage'),
    summary: 'Change tenant policies (If-Match supported)',
    tags: ['tenants'],
    ifMatch: true,
    body: settingsPatch,
    responses: { 200: { description: 'Settings', schema: settingsView }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, body, ifMatch, ...call }) => {
      const saved = await app.identity.tenants.changeSettings(principal.tenantId, body, ifMatch, actorOf(principal), metaOf(call));
      return { json: settingsOut(saved), etag: etagOf(saved) };
    },
  }),

  route({
    name: 'propertiesList',
    method: 'GET',
    route: 'v1/properties',
    access: authenticated,
    summary: 'List the properties the caller holds any permission for',
    tags: ['properties'],
    responses: { 200: { description: 'Properties', schema: z.object({ items: z.array(propertyView) }) } },
    handler: async ({ app, principal }) => {
      if (principal.tenantId === PLATFORM_TENANT) return { json: { items: [] } };
      const all = await app.identity.tenants.listProperties(principal.tenantId);
      const visible = all.filter((p) => ALL_PERMISSIONS.some((perm) => holds(principal, perm, p.id)));
      return { json: { items: visible.map(propertyOut) } };
    },
  }),

  route({
    name: 'propertiesCreate',
    method: 'POST',
    route: 'v1/properties',
    access: requires('properties.manage'),
    summary: 'Create a property (hotel)',
    tags: ['properties'],
    body: propertyBody,
    responses: { 201: { description: 'Created', schema: propertyView } },
    handler: async ({ app, principal, body, ...call }) => {
      const p = await app.identity.properties.create(principal, body, metaOf(call));
      return { status: 201, json: propertyOut(p), etag: etagOf(p), headers: { Location: `/api/v1/properties/${p.id}` } };
    },
  }),

  route({
    name: 'propertiesGet',
    method: 'GET',
    route: 'v1/properties/{propertyId}',
    access: authenticated,
    summary: 'Read a property',
    tags: ['properties'],
    params: propertyParams,
    responses: { 200: { description: 'Property', schema: propertyView } },
    handler: async ({ app, principal, params }) => {
      const p = await app.identity.properties.visible(principal, params.propertyId);
      return { json: propertyOut(p), etag: etagOf(p) };
    },
  }),

  route({
    name: 'propertiesUpdate',
    method: 'PATCH',
    route: 'v1/properties/{propertyId}',
    access: requires('properties.manage'),
    summary: 'Update a property (If-Match supported)',
    tags: ['properties'],
    params: propertyParams,
    ifMatch: true,
    body: propertyBody.partial(),
    responses: { 200: { description: 'Property', schema: propertyView }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const p = await app.identity.properties.update(principal, params.propertyId, body, ifMatch, metaOf(call));
      return { json: propertyOut(p), etag: etagOf(p) };
    },
  }),

  route({
    name: 'departmentsList',
    method: 'GET',
    route: 'v1/properties/{propertyId}/departments',
    access: authenticated,
    summary: "List a property's departments",
    tags: ['properties'],
    params: propertyParams,
    responses: { 200: { description: 'Departments', schema: z.object({ items: z.array(departmentView) }) } },
    handler: async ({ app, principal, params }) => {
      const items = await app.identity.properties.departments(principal, params.propertyId);
      return { json: { items: items.map(departmentOut) } };
    },
  }),

  route({
    name: 'departmentsCreate',
    method: 'POST',
    route: 'v1/properties/{propertyId}/departments',
    access: requires('properties.manage'),
    summary: 'Create a department in a property',
    tags: ['properties'],
    params: propertyParams,
    body: departmentBody,
    responses: { 201: { description: 'Created', schema: departmentView }, 409: { description: 'Code already used' } },
    handler: async ({ app, principal, params, body, ...call }) => {
      const d = await app.identity.properties.createDepartment(principal, params.propertyId, body, metaOf(call));
      return { status: 201, json: departmentOut(d), etag: etagOf(d) };
    },
  }),

  route({
    name: 'departmentsUpdate',
    method: 'PATCH',
    route: 'v1/properties/{propertyId}/departments/{departmentId}',
    access: requires('properties.manage'),
    summary: 'Update a department (If-Match supported)',
    tags: ['properties'],
    params: departmentParams,
    ifMatch: true,
    body: departmentPatch,
    responses: { 200: { description: 'Department', schema: departmentView }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const d = await app.identity.properties.updateDepartment(principal, params.propertyId, params.departmentId, body, ifMatch, metaOf(call));
      return { json: departmentOut(d), etag: etagOf(d) };
    },
  }),
];
