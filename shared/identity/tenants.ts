import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { badRequest, conflict, notFound } from '../http/problem.js';
import { settingsSchema, type SettingsPatch } from './settings-schema.js';
import { checkIfMatch } from '../http/etag.js';
import { auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import { isPermission, PRIVILEGED_PERMISSIONS } from '../access/permissions.js';
import { DEFAULT_MFA_POLICY, DEFAULT_PLANNING_POLICY, defaultSettings, NO_MFA_POLICY, type MfaPolicy, type SettingsItem, type TenantSettings } from './model.js';
import { PropertyDirectory } from './property-directory.js';
import type { DepartmentItem, PropertyItem, PropertySettings } from './property-items.js';
import { isSlug } from '../http/identifiers.js';

export interface TenantItem extends Item, OutboxCarrier {
  type: 'tenant';
  /** The customer tenant this record describes (the item itself lives in the `_platform` partition). */
  tenantRef: string;
  slug: string;
  name: string;
  dataRegion: string;
  status: 'active';
  createdAt: string;
}

interface SlugItem extends Item {
  type: 'tenantSlug';
  tenantRef: string;
}

export type PropertyInput = Pick<PropertyItem, 'name' | 'timezone' | 'currency' | 'roomsAvailable'> & { settings?: Partial<PropertySettings> };
export type DepartmentInput = Pick<DepartmentItem, 'code' | 'name' | 'usaliDepartment' | 'driver'> & { standardHoursPerUnit?: number | null };

const SETTINGS_ID = 'settings';

interface DepartmentCodeItem extends Item {
  type: 'departmentCode';
  departmentId: string;
}

function departmentCodeId(propertyId: string, code: string): string {
  return `department-code:${propertyId}:${code.toUpperCase()}`;
}

/** Tenants (platform level), their settings, properties and departments, in the `tenants` container. */
export class TenantService {
  /** Read-only properties and departments (reports and imports read through it too). */
  readonly directory: PropertyDirectory;

  constructor(private readonly platform: Platform) {
    this.directory = new PropertyDirectory(platform.store);
  }

  private get platformItems() {
    return this.platform.store.collection<TenantItem | SlugItem>('tenants', PLATFORM_TENANT);
  }

  /**
   * Resolves a slug to its tenant id (the platform tenant answers to its own id). What can't be a
   * slug is unknown, so login and reset keep their one uniform answer for it.
   */
  async tenantIdForSlug(slug: string): Promise<string | undefined> {
    if (slug === PLATFORM_TENANT) return PLATFORM_TENANT;
    if (!isSlug(slug)) return undefined;
    const item = await this.platformItems.read<SlugItem>(`slug:${slug.toLowerCase()}`);
    return item?.tenantRef;
  }

  async get(tenantId: string): Promise<TenantItem | undefined> {
    return this.platformItems.read<TenantItem>(`tenant:${tenantId}`);
  }

  async list(continuation?: string, pageSize = 50) {
    return this.platformItems.page<TenantItem>("SELECT * FROM c WHERE c.type = 'tenant' ORDER BY c.createdAt", {}, { pageSize, ...(continuation ? { continuation } : {}) });
  }

  /** Creates a tenant; the slug is claimed first through a platform-level index item (409 when taken). */
  async create(input: { slug: string; name: string; dataRegion: string }, actor: EventActor, meta: RequestMeta): Promise<TenantItem> {
    const tenantId = randomUUID();
    const slug = input.slug.toLowerCase();
    try {
      await this.platformItems.create<SlugItem>({ id: `slug:${slug}`, tenantId: PLATFORM_TENANT, type: 'tenantSlug', tenantRef: tenantId });
    } catch (err) {
      if (isStoreError(err, 'conflict')) throw conflict(`The slug '${slug}' is already taken.`);
      throw err;
    }
    const now = new Date().toISOString();
    await this.platform.store.collection<SettingsItem>('tenants', tenantId).upsert({
      id: SETTINGS_ID,
      tenantId,
      type: 'tenantSettings',
      ...this.defaults(),
      updatedAt: now,
    });
    const item: TenantItem = {
      id: `tenant:${tenantId}`,
      tenantId: PLATFORM_TENANT,
      type: 'tenant',
      tenantRef: tenantId,
      slug,
      name: input.name,
      dataRegion: input.dataRegion,
      status: 'active',
      createdAt: now,
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor,
      action: 'tenant.created',
      target: { type: 'tenant', id: tenantId },
      details: { slug, dataRegion: input.dataRegion },
      ...meta,
    });
    return this.platform.outbox.commit('tenants', 'create', item, [event]);
  }

  /** A new tenant's settings under this deployment's configuration. */
  private defaults(): TenantSettings {
    const { SESSION_IDLE_HOURS, SESSION_ABSOLUTE_DAYS, MFA_REQUIRE_BY_DEFAULT } = this.platform.config;
    return defaultSettings({ idleHours: SESSION_IDLE_HOURS, absoluteDays: SESSION_ABSOLUTE_DAYS }, MFA_REQUIRE_BY_DEFAULT ? DEFAULT_MFA_POLICY : NO_MFA_POLICY);
  }

  async settings(tenantId: string): Promise<SettingsItem> {
    const item = await this.platform.store.collection<SettingsItem>('tenants', tenantId).read(SETTINGS_ID);
    if (item) return withPermissionPolicy(item);
    // The platform tenant (and any tenant created before settings existed) runs on the defaults.
    return {
      id: SETTINGS_ID,
      tenantId,
      type: 'tenantSettings',
      ...this.defaults(),
      updatedAt: new Date(0).toISOString(),
    };
  }

  /**
   * Applies a partial change of the tenant's policies: the policies it results in must be valid (400
   * otherwise, maxLockMinutes at least lockMinutes), then they are written as updateSettings does.
   */
  async changeSettings(tenantId: string, patch: SettingsPatch, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<SettingsItem> {
    const current = await this.settings(tenantId);
    const next = {
      password: { ...current.password, ...patch.password },
      mfa: { ...current.mfa, ...patch.mfa },
      lockout: { ...current.lockout, ...patch.lockout },
      session: { ...current.session, ...patch.session },
      planning: { ...DEFAULT_PLANNING_POLICY, ...current.planning, ...patch.planning },
    };
    if (!settingsSchema.safeParse(next).success) throw badRequest('The resulting settings are invalid.');
    if (next.lockout.maxLockMinutes < next.lockout.lockMinutes) throw badRequest('maxLockMinutes must be at least lockMinutes.', [{ field: 'body.lockout.maxLockMinutes', message: 'must be >= lockMinutes' }]);
    return this.updateSettings(tenantId, next, ifMatch, actor, meta);
  }

  async updateSettings(tenantId: string, next: TenantSettings, ifMatch: string | undefined, actor: EventActor, meta: RequestMeta): Promise<SettingsItem> {
    const current = await this.settings(tenantId);
    const etag = current._etag ? checkIfMatch(ifMatch, current) : undefined;
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const key of ['password', 'mfa', 'lockout', 'session', 'planning'] as const) {
      if (JSON.stringify(current[key]) !== JSON.stringify(next[key])) changes[key] = { before: current[key], after: next[key] };
    }
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'settings.updated', target: { type: 'tenantSettings', id: tenantId }, changes, ...meta });
    const item: SettingsItem = { ...current, ...next, updatedAt: new Date().toISOString() };
    return this.platform.outbox.commit('tenants', etag ? 'replace' : 'upsert', item, [event], etag);
  }

  async listProperties(tenantId: string): Promise<PropertyItem[]> {
    return this.directory.properties(tenantId);
  }

  async getProperty(tenantId: string, propertyId: string): Promise<PropertyItem> {
    const item = await this.directory.property(tenantId, propertyId);
    if (!item) throw notFound('property');
    return item;
  }

  async createProperty(tenantId: string, input: PropertyInput, actor: EventActor, meta: RequestMeta): Promise<PropertyItem> {
    const id = randomUUID();
    const now = new Date().toISOString();
    const item: PropertyItem = {
      id,
      tenantId,
      type: 'property',
      name: input.name,
      timezone: input.timezone,
      currency: input.currency,
      roomsAvailable: input.roomsAvailable,
      settings: { ...input.settings, excludeOutOfOrderFromAvailable: input.settings?.excludeOutOfOrderFromAvailable ?? false },
      createdAt: now,
      updatedAt: now,
    };
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'property.created', target: { type: 'property', id }, ...meta });
    return this.platform.outbox.commit('tenants', 'create', item, [event]);
  }

  async updateProperty(
    tenantId: string,
    propertyId: string,
    patch: Partial<PropertyInput>,
    ifMatch: string | undefined,
    actor: EventActor,
    meta: RequestMeta,
  ): Promise<PropertyItem> {
    const current = await this.getProperty(tenantId, propertyId);
    const etag = checkIfMatch(ifMatch, current);
    const next: PropertyItem = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      ...(patch.roomsAvailable !== undefined ? { roomsAvailable: patch.roomsAvailable } : {}),
      settings: { ...current.settings, ...(patch.settings ?? {}) },
      updatedAt: new Date().toISOString(),
    };
    const changes = diff(current, next, ['name', 'timezone', 'currency', 'roomsAvailable', 'settings']);
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'property.updated', target: { type: 'property', id: propertyId }, changes, ...meta });
    return this.platform.outbox.commit('tenants', 'replace', next, [event], etag);
  }

  async listDepartments(tenantId: string, propertyId: string): Promise<DepartmentItem[]> {
    await this.getProperty(tenantId, propertyId);
    return this.directory.departments(tenantId, propertyId);
  }

  /** Every department of the tenant (reports join on them). */
  async allDepartments(tenantId: string): Promise<DepartmentItem[]> {
    return this.directory.allDepartments(tenantId);
  }

  async getDepartment(tenantId: string, propertyId: string, departmentId: string): Promise<DepartmentItem> {
    const item = await this.directory.department(tenantId, departmentId);
    if (!item || item.propertyId !== propertyId) throw notFound('department');
    return item;
  }

  async createDepartment(tenantId: string, propertyId: string, input: DepartmentInput, actor: EventActor, meta: RequestMeta): Promise<DepartmentItem> {
    await this.getProperty(tenantId, propertyId);
    const id = randomUUID();
    await this.claimDepartmentCode(tenantId, propertyId, input.code, id);
    const now = new Date().toISOString();
    const item: DepartmentItem = {
      id,
      tenantId,
      type: 'department',
      propertyId,
      code: input.code,
      name: input.name,
      usaliDepartment: input.usaliDepartment,
      standardHoursPerUnit: input.standardHoursPerUnit ?? null,
      driver: input.driver,
      createdAt: now,
      updatedAt: now,
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor,
      action: 'department.created',
      target: { type: 'department', id },
      details: { propertyId, code: input.code },
      ...meta,
    });
    try {
      return await this.platform.outbox.commit('tenants', 'create', item, [event]);
    } catch (err) {
      await this.releaseDepartmentCode(tenantId, propertyId, input.code);
      throw err;
    }
  }

  /** Department codes are unique per property through an index item whose id is derived from the code (409 when taken). */
  private async claimDepartmentCode(tenantId: string, propertyId: string, code: string, departmentId: string): Promise<void> {
    try {
      await this.platform.store.collection<DepartmentCodeItem>('tenants', tenantId).create({ id: departmentCodeId(propertyId, code), tenantId, type: 'departmentCode', departmentId });
    } catch (err) {
      if (isStoreError(err, 'conflict')) throw conflict(`The department code '${code}' is already used in this property.`);
      throw err;
    }
  }

  private async releaseDepartmentCode(tenantId: string, propertyId: string, code: string): Promise<void> {
    await this.platform.store.collection('tenants', tenantId).delete(departmentCodeId(propertyId, code));
  }

  async updateDepartment(
    tenantId: string,
    propertyId: string,
    departmentId: string,
    patch: Partial<DepartmentInput>,
    ifMatch: string | undefined,
    actor: EventActor,
    meta: RequestMeta,
  ): Promise<DepartmentItem> {
    const current = await this.getDepartment(tenantId, propertyId, departmentId);
    const etag = checkIfMatch(ifMatch, current);
    const codeChanges = patch.code !== undefined && patch.code.toUpperCase() !== current.code.toUpperCase();
    if (codeChanges && patch.code !== undefined) await this.claimDepartmentCode(tenantId, propertyId, patch.code, departmentId);
    const next: DepartmentItem = { ...current, ...definedOnly(patch), updatedAt: new Date().toISOString() };
    const changes = diff(current, next, ['code', 'name', 'usaliDepartment', 'standardHoursPerUnit', 'driver']);
    const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'department.updated', target: { type: 'department', id: departmentId }, changes, ...meta });
    try {
      const saved = await this.platform.outbox.commit('tenants', 'replace', next, [event], etag);
      if (codeChanges) await this.releaseDepartmentCode(tenantId, propertyId, current.code);
      return saved;
    } catch (err) {
      if (codeChanges && patch.code !== undefined) await this.releaseDepartmentCode(tenantId, propertyId, patch.code);
      throw err;
    }
  }
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function diff<T extends object>(before: T, after: T, keys: Array<keyof T>): Record<string, { before?: unknown; after?: unknown }> {
  const out: Record<string, { before?: unknown; after?: unknown }> = {};
  for (const k of keys) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[String(k)] = { before: before[k], after: after[k] };
  }
  return out;
}

/**
 * Settings stored before the MFA policy named permissions lack `requiredForPermissions`: such a
 * tenant gets every privileged permission (secure by default, whatever MFA_REQUIRE_BY_DEFAULT says,
 * which only shapes new tenants), so no admin-level custom or SSO-granted role escapes MFA because
 * the policy predates it. A permission since dropped from the catalogue is ignored.
 */
function withPermissionPolicy(item: SettingsItem): SettingsItem {
  const stored = item.mfa as Partial<MfaPolicy> | undefined;
  const requiredForPermissions = stored?.requiredForPermissions === undefined ? [...PRIVILEGED_PERMISSIONS] : stored.requiredForPermissions.filter(isPermission);
  // Settings stored before planning existed run on the default planning policy.
  return { ...item, mfa: { requiredForRoles: stored?.requiredForRoles ?? [], requiredForPermissions }, planning: { ...DEFAULT_PLANNING_POLICY, ...item.planning } };
}
