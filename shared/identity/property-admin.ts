import type { Principal } from '../access/principal.js';
import { authorize, holds } from '../access/authorize.js';
import { ALL_PERMISSIONS } from '../access/permissions.js';
import { actorOf, type RequestMeta } from '../audit/emit.js';
import type { DepartmentItem, PropertyItem } from './property-items.js';
import type { DepartmentInput, PropertyInput, TenantService } from './tenants.js';

/**
 * Properties and departments on behalf of a principal: each operation checks what the principal may
 * do with the property (404 for another tenant's, then 403), then changes it through TenantService.
 */
export class PropertyAdministration {
  constructor(private readonly tenants: TenantService) {}

  /** A property the principal may see: they hold some permission over it, or may manage properties. */
  async visible(principal: Principal, propertyId: string): Promise<PropertyItem> {
    const p = await this.tenants.getProperty(principal.tenantId, propertyId);
    if (!ALL_PERMISSIONS.some((perm) => holds(principal, perm, p.id))) authorize(principal, 'properties.manage', { tenantId: p.tenantId, propertyId: p.id, kind: 'property' });
    return p;
  }

  private async manageable(principal: Principal, propertyId: string): Promise<PropertyItem> {
    const p = await this.tenants.getProperty(principal.tenantId, propertyId);
    authorize(principal, 'properties.manage', { tenantId: p.tenantId, propertyId: p.id, kind: 'property' });
    return p;
  }

  async create(principal: Principal, input: PropertyInput, meta: RequestMeta): Promise<PropertyItem> {
    authorize(principal, 'properties.manage', { tenantId: principal.tenantId, kind: 'property' });
    return this.tenants.createProperty(principal.tenantId, input, actorOf(principal), meta);
  }

  async update(principal: Principal, propertyId: string, patch: Partial<PropertyInput>, ifMatch: string | undefined, meta: RequestMeta): Promise<PropertyItem> {
    await this.manageable(principal, propertyId);
    return this.tenants.updateProperty(principal.tenantId, propertyId, patch, ifMatch, actorOf(principal), meta);
  }

  async departments(principal: Principal, propertyId: string): Promise<DepartmentItem[]> {
    await this.visible(principal, propertyId);
    return this.tenants.listDepartments(principal.tenantId, propertyId);
  }

  async createDepartment(principal: Principal, propertyId: string, input: DepartmentInput, meta: RequestMeta): Promise<DepartmentItem> {
    const p = await this.manageable(principal, propertyId);
    return this.tenants.createDepartment(principal.tenantId, p.id, input, actorOf(principal), meta);
  }

  async updateDepartment(
    principal: Principal,
    propertyId: string,
    departmentId: string,
    patch: Partial<DepartmentInput>,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<DepartmentItem> {
    const p = await this.manageable(principal, propertyId);
    return this.tenants.updateDepartment(principal.tenantId, p.id, departmentId, patch, ifMatch, actorOf(principal), meta);
  }
}
