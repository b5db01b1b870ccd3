import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Permission } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import { authorize } from '../access/authorize.js';
import { assertMayDefineRole } from '../access/delegation.js';
import { conflict, notFound } from '../http/problem.js';
import { checkIfMatch } from '../http/etag.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import type { RoleItem } from './model.js';
import type { UserService } from './users.js';
import { BUILT_IN_ROLES, builtInRole, customRoleDefinition, type RoleDefinition } from './roles.js';

/**
 * Custom roles of a tenant (item id `role:<id>`), next to the built-in ones. Whoever defines a role
 * must hold every permission it grants or takes away (shared/access/delegation.ts), however they call.
 */
export class RoleService {
  constructor(
    private readonly platform: Platform,
    private readonly users: Pick<UserService, 'holders' | 'bumpHoldersOf'>,
  ) {}

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

  /** A custom role of the principal's tenant they may read (404 for other tenants' ids). */
  async readable(principal: Principal, roleId: string): Promise<RoleItem> {
    const item = await this.getItem(principal.tenantId, roleId);
    authorize(principal, 'users.read', { tenantId: item.tenantId, kind: 'role' });
    return item;
  }

  async create(principal: Principal, input: { name: string; description: string; permissions: Permission[] }, meta: RequestMeta): Promise<RoleItem> {
    const tenantId = principal.tenantId;
    const permissions = [...new Set(input.permissions)];
    assertMayDefineRole(principal, permissions);
    await this.assertNameFree(tenantId, input.name);
    const id = randomUUID();
    const now = new Date().toISOString();
    const item: RoleItem = { id: `role:${id}`, tenantId, type: 'role', name: input.name, description: input.description, permissions, createdAt: now, updatedAt: now };
    const event = await auditEvent(this.platform.cipher, { tenantId, actor: actorOf(principal), action: 'role.created', target: { type: 'role', id }, changes: { permissions: { after: permissions } }, ...meta });
    return this.platform.outbox.commit('identity', 'create', item, [event]);
  }

  /** Updates a custom role; its holders get the new permissions at once. */
  async update(
    principal: Principal,
    roleId: string,
    input: { name?: string | undefined; description?: string | undefined; permissions?: Permission[] | undefined },
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<RoleItem> {
    const tenantId = principal.tenantId;
    const current = await this.administered(principal, roleId, 'changed');
    const patch = { ...input, permissions: input.permissions ? [...new Set(input.permissions)] : undefined };
    // Changing a role grants or takes away its permissions from every holder: both need them held.
    if (patch.permissions) assertMayDefineRole(principal, [...patch.permissions, ...(current.permissions as Permission[])]);
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
    const event = await auditEvent(this.platform.cipher, { tenantId, actor: actorOf(principal), action: 'role.updated', target: { type: 'role', id: roleId }, changes, ...meta });
    const saved = await this.platform.outbox.commit('identity', 'replace', next, [event], etag);
    if (patch.permissions) await this.users.bumpHoldersOf(tenantId, roleId);
    return saved;
  }

  /**
   * Deletes a custom role. The event rides on a write of the role, as a tombstone no query reads,
   * conditioned on the ETag the client sent (If-Match) or this call read: a stale or concurrent
   * change answers 412 with nothing emitted. The tombstone then leaves the store.
   */
  async remove(principal: Principal, roleId: string, ifMatch: string | undefined, meta: RequestMeta): Promise<void> {
    const tenantId = principal.tenantId;
    const current = await this.administered(principal, roleId, 'deleted');
    assertMayDefineRole(principal, current.permissions as Permission[]);
    const holders = await this.users.holders(tenantId, roleId);
    if (holders > 0) throw conflict(`The role is assigned to ${holders} user(s); remove it from them first.`);
    const etag = checkIfMatch(ifMatch, current);
    const event = await auditEvent(this.platform.cipher, { tenantId, actor: actorOf(principal), action: 'role.deleted', target: { type: 'role', id: roleId }, changes: { permissions: { before: current.permissions } }, ...meta });
    const tombstone = { ...current, type: 'roleDeleted' } as unknown as RoleItem;
    await this.platform.outbox.commit('identity', 'replace', tombstone, [event], etag);
    await this.col(tenantId).delete(current.id);
  }

  /** A custom role the principal may change or delete: built-in roles are fixed, and 404 outside the principal's tenant. */
  private async administered(principal: Principal, roleId: string, verb: 'changed' | 'deleted'): Promise<RoleItem> {
    if (isBuiltIn(roleId)) throw conflict(`Built-in roles cannot be ${verb}.`);
    const item = await this.getItem(principal.tenantId, roleId);
    authorize(principal, 'roles.manage', { tenantId: item.tenantId, kind: 'role' });
    return item;
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

function isBuiltIn(roleId: string): boolean {
  return builtInRole(roleId) !== undefined;
}
