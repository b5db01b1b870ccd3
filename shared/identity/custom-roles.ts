import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Permission } from '../access/permissions.js';
import { conflict, notFound } from '../http/problem.js';
import { checkIfMatch } from '../http/etag.js';
import { identityEvent, type EventActor, type RequestMeta } from './audit.js';
import type { RoleItem } from './model.js';
import { BUILT_IN_ROLES, builtInRole, customRoleDefinition, type RoleDefinition } from './roles.js';

/** Custom roles of a tenant (item id `role:<id>`), next to the built-in ones. */
export class RoleService {
  constructor(private readonly platform: Platform) {}

  private col(tenantId: string) {
    return this.platform.store.collection<RoleItem>('identity', tenantId);
  }

  async custom(tenantId: string): Promise<RoleItem[]> {
    return this.col(tenantId).all<RoleItem>("SELECT * FROM c WHERE c.type = 'role' ORDER BY c.name");
  }

  /** Every role the tenant can assign, by id. */
  async definitions(tenantId: string): Promise<Map<string, RoleDefinition>> {
    const map = new Map<string, RoleDefinition>(BUILT_IN_ROLES.map((r) => [r.id, r]));
    for (const item of await this.custom(tenantId)) map.set(roleIdOf(item), { ...customRoleDefinition(item), id: roleIdOf(item) });
    return map;
  }

  async getItem(tenantId: string, roleId: string): Promise<RoleItem> {
    const item = await this.col(tenantId).read<RoleItem>(`role:${roleId}`);
    if (!item || item.type !== 'role') throw notFound('role');
    return item;
  }

  async create(tenantId: string, input: { name: string; description: string; permissions: Permission[] }, actor: EventActor, meta: RequestMeta): Promise<RoleItem> {
    await this.assertNameFree(tenantId, input.name);
    const id = randomUUID();
    const now = new Date().toISOString();
    const item: RoleItem = { id: `role:${id}`, tenantId, type: 'role', name: input.name, description: input.description, permissions: input.permissions, createdAt: now, updatedAt: now };
    const event = await identityEvent(this.platform, { tenantId, actor, action: 'role.created', target: { type: 'role', id }, changes: { permissions: { after: input.permissions } }, ...meta });
    return this.platform.outbox.commit('identity', 'create', item, [event]);
  }

  async update(
    tenantId: string,
    roleId: string,
    patch: { name?: string | undefined; description?: string | undefined; permissions?: Permission[] | undefined },
    ifMatch: string | undefined,
    actor: EventActor,
    meta: RequestMeta,
  ): Promise<RoleItem> {
    const current = await this.getItem(tenantId, roleId);
    const etag = checkIfMatch(ifMatch, current);
    if (patch.name !== undefined && patch.name.toLowerCase() !== current.name.toLowerCase()) await this.assertNameFree(tenantId, patch.name);
    const next: RoleItem = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.permissions !== undefined ? { permissions: patch.permissions } : {}),
      updatedAt: new Date().toISOString(),
    };
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    if (patch.permissions !== undefined) changes.permissions = { before: current.permissions, after: patch.permissions };
    if (patch.name !== undefined) changes.name = { before: current.name, after: patch.name };
    const event = await identityEvent(this.platform, { tenantId, actor, action: 'role.updated', target: { type: 'role', id: roleId }, changes, ...meta });
    return this.platform.outbox.commit('identity', 'replace', next, [event], etag);
  }

  /**
   * Deletes a custom role. The event rides on a write of the role, as a tombstone no query reads,
   * conditioned on the ETag the client sent (If-Match) or this call read: a stale or concurrent
   * change answers 412 with nothing emitted. The tombstone then leaves the store.
   */
  async remove(tenantId: string, roleId: string, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<void> {
    const current = await this.getItem(tenantId, roleId);
    const etag = checkIfMatch(ifMatch, current);
    const event = await identityEvent(this.platform, { tenantId, actor, action: 'role.deleted', target: { type: 'role', id: roleId }, changes: { permissions: { before: current.permissions } }, ...meta });
    const tombstone = { ...current, type: 'roleDeleted' } as unknown as RoleItem;
    await this.platform.outbox.commit('identity', 'replace', tombstone, [event], etag);
    await this.col(tenantId).delete(current.id);
  }

  private async assertNameFree(tenantId: string, name: string): Promise<void> {
    const lowered = name.toLowerCase();
    if (BUILT_IN_ROLES.some((r) => r.id === lowered || r.name.toLowerCase() === lowered)) throw conflict(`'${name}' is the name of a built-in role.`);
    if ((await this.custom(tenantId)).some((r) => r.name.toLowerCase() === lowered)) throw conflict(`A role named '${name}' already exists.`);
  }
}

export function roleIdOf(item: RoleItem): string {
  return item.id.slice('role:'.length);
}

export function isBuiltIn(roleId: string): boolean {
  return builtInRole(roleId) !== undefined;
}
