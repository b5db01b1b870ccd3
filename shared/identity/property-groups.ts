import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Principal } from '../access/principal.js';
import type { Permission } from '../access/permissions.js';
import { authorize, holds } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import { badRequest, forbidden, notFound } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import type { PropertyDirectory } from './property-directory.js';

/** What a group stands for; `other` for any grouping the tenant needs beyond the three usual ones. */
export const PROPERTY_GROUP_KINDS = ['brand', 'region', 'ownership', 'other'] as const;
export type PropertyGroupKind = (typeof PROPERTY_GROUP_KINDS)[number];

/** A tenant-defined set of properties (portfolio reports run over it); a property may be in several. */
export interface PropertyGroupItem extends Item, OutboxCarrier {
  type: 'propertyGroup';
  kind: PropertyGroupKind;
  name: string;
  propertyIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface PropertyGroupInput {
  kind: PropertyGroupKind;
  name: string;
  propertyIds: string[];
}

/** The members of a group, as reports need them (a system read: the caller's scopes are applied by the report). */
export interface PropertyGroupMembers {
  id: string;
  kind: PropertyGroupKind;
  name: string;
  propertyIds: string[];
}

/**
 * Reading groups needs any permission a group is used with: a report permission (to run portfolio
 * reports over it) or properties.manage (to maintain it). A group lists property ids only, no figures.
 */
const READ_PERMISSIONS: readonly Permission[] = ['reports.rp.read', 'reports.pnl.read', 'properties.manage'];

/**
 * Property groups of a tenant, stored in the `tenants` container beside the properties they list.
 * Changing one needs properties.manage over every property it names, before and after the change,
 * so a manager scoped to some hotels can neither group nor ungroup the others.
 */
export class PropertyGroupService {
  constructor(
    private readonly platform: Platform,
    private readonly directory: PropertyDirectory,
  ) {}

  private items(tenantId: string) {
    return this.platform.store.collection<PropertyGroupItem>('tenants', tenantId);
  }

  private assertMayRead(principal: Principal): void {
    if (!READ_PERMISSIONS.some((p) => holds(principal, p))) throw forbidden(`Reading property groups requires one of the permissions ${READ_PERMISSIONS.map((p) => `'${p}'`).join(', ')}.`);
  }

  private assertMayManage(principal: Principal, propertyIds: readonly string[]): void {
    authorize(principal, 'properties.manage');
    for (const propertyId of new Set(propertyIds)) authorize(principal, 'properties.manage', { tenantId: principal.tenantId, propertyId, kind: 'property' });
  }

  /** Every id must name a property of the tenant: a 400 naming the first unknown one's position. */
  private async assertPropertiesExist(tenantId: string, propertyIds: readonly string[]): Promise<void> {
    const known = new Set((await this.directory.properties(tenantId)).map((p) => p.id));
    const errors = propertyIds.flatMap((id, i) => (known.has(id) ? [] : [{ field: `body.propertyIds.${i}`, message: `no property '${id}' in this tenant` }]));
    if (errors.length > 0) throw badRequest('A group can only list properties of this tenant.', errors);
  }

  private async item(tenantId: string, groupId: string): Promise<PropertyGroupItem> {
    const item = await this.items(tenantId).read(groupId);
    if (!item || item.type !== 'propertyGroup') throw notFound('property group');
    return item;
  }

  async list(principal: Principal): Promise<PropertyGroupItem[]> {
    this.assertMayRead(principal);
    return this.items(principal.tenantId).all<PropertyGroupItem>("SELECT * FROM c WHERE c.type = 'propertyGroup' ORDER BY c.name");
  }

  async get(principal: Principal, groupId: string): Promise<PropertyGroupItem> {
    this.assertMayRead(principal);
    return this.item(principal.tenantId, groupId);
  }

  async create(principal: Principal, input: PropertyGroupInput, meta: RequestMeta): Promise<PropertyGroupItem> {
    const tenantId = principal.tenantId;
    this.assertMayManage(principal, input.propertyIds);
    await this.assertPropertiesExist(tenantId, input.propertyIds);
    const id = randomUUID();
    const now = new Date().toISOString();
    const item: PropertyGroupItem = { id, tenantId, type: 'propertyGroup', kind: input.kind, name: input.name, propertyIds: input.propertyIds, createdAt: now, updatedAt: now };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'property.group_created',
      target: { type: 'propertyGroup', id },
      details: { kind: input.kind, name: input.name, properties: input.propertyIds.length },
      ...meta,
    });
    return this.platform.outbox.commit('tenants', 'create', item, [event]);
  }

  async update(principal: Principal, groupId: string, patch: Partial<PropertyGroupInput>, ifMatch: string | undefined, meta: RequestMeta): Promise<PropertyGroupItem> {
    const tenantId = principal.tenantId;
    const current = await this.item(tenantId, groupId);
    this.assertMayManage(principal, [...current.propertyIds, ...(patch.propertyIds ?? [])]);
    if (patch.propertyIds) await this.assertPropertiesExist(tenantId, patch.propertyIds);
    const etag = checkIfMatch(ifMatch, current);
    const next: PropertyGroupItem = {
      ...current,
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.propertyIds !== undefined ? { propertyIds: patch.propertyIds } : {}),
      updatedAt: new Date().toISOString(),
    };
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const k of ['kind', 'name', 'propertyIds'] as const) {
      if (JSON.stringify(current[k]) !== JSON.stringify(next[k])) changes[k] = { before: current[k], after: next[k] };
    }
    const event = await auditEvent(this.platform.cipher, { tenantId, actor: actorOf(principal), action: 'property.group_updated', target: { type: 'propertyGroup', id: groupId }, changes, ...meta });
    return this.platform.outbox.commit('tenants', 'replace', next, [event], etag);
  }

  /** Deletes a group; its event rides on a tombstone written conditionally on the ETag, then the item goes. */
  async remove(principal: Principal, groupId: string, ifMatch: string | undefined, meta: RequestMeta): Promise<void> {
    const tenantId = principal.tenantId;
    const current = await this.item(tenantId, groupId);
    this.assertMayManage(principal, current.propertyIds);
    const etag = checkIfMatch(ifMatch, current);
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'property.group_deleted',
      target: { type: 'propertyGroup', id: groupId },
      changes: { name: { before: current.name }, propertyIds: { before: current.propertyIds } },
      ...meta,
    });
    const tombstone = { ...current, type: 'propertyGroupDeleted' } as unknown as PropertyGroupItem;
    await this.platform.outbox.commit('tenants', 'replace', tombstone, [event], etag);
    await this.items(tenantId).delete(groupId);
  }

  /** A group's members for reports, or undefined when the tenant has no such group. */
  async members(tenantId: string, groupId: string): Promise<PropertyGroupMembers | undefined> {
    const item = await this.items(tenantId).read(groupId);
    if (!item || item.type !== 'propertyGroup') return undefined;
    return { id: item.id, kind: item.kind, name: item.name, propertyIds: item.propertyIds };
  }
}
