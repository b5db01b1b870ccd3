import type { Params, Store } from '../platform/cosmos/store.js';
import type { DepartmentItem, PropertyItem } from './property-items.js';

/**
 * The one read path to properties and departments (the `tenants` container). The tenant service
 * reads through it, and so do reports and imports: they see the same items and types.
 */
export class PropertyDirectory {
  constructor(private readonly store: Store) {}

  private items(tenantId: string) {
    return this.store.collection<PropertyItem | DepartmentItem>('tenants', tenantId);
  }

  /** The property, or undefined when the tenant has no such property. */
  async property(tenantId: string, propertyId: string): Promise<PropertyItem | undefined> {
    const item = await this.items(tenantId).read(propertyId);
    return item?.type === 'property' ? item : undefined;
  }

  async properties(tenantId: string): Promise<PropertyItem[]> {
    return this.items(tenantId).all<PropertyItem>("SELECT * FROM c WHERE c.type = 'property' ORDER BY c.createdAt");
  }

  /** The department, or undefined when the tenant has no such department. */
  async department(tenantId: string, departmentId: string): Promise<DepartmentItem | undefined> {
    const item = await this.items(tenantId).read(departmentId);
    return item?.type === 'department' ? item : undefined;
  }

  /** The departments of one property, by code (no check that the property exists). */
  async departments(tenantId: string, propertyId: string): Promise<DepartmentItem[]> {
    return this.items(tenantId).all<DepartmentItem>("SELECT * FROM c WHERE c.type = 'department' AND c.propertyId = @propertyId ORDER BY c.code", { propertyId });
  }

  /** Every department of the tenant. */
  async allDepartments(tenantId: string): Promise<DepartmentItem[]> {
    return this.items(tenantId).all<DepartmentItem>("SELECT * FROM c WHERE c.type = 'department'");
  }

  /**
   * One property (or every property, with `propertyId` undefined) and its departments in one
   * query, read in pages of `pageSize`; `onPage` sees each page (reports count their round trips).
   */
  async withDepartments(
    tenantId: string,
    propertyId: string | undefined,
    options: { pageSize?: number; onPage?: (items: number) => void } = {},
  ): Promise<{ properties: PropertyItem[]; departments: DepartmentItem[] }> {
    const [query, params]: [string, Params] = propertyId
      ? ["SELECT * FROM c WHERE (c.type = 'property' AND c.id = @propertyId) OR (c.type = 'department' AND c.propertyId = @propertyId)", { propertyId }]
      : ["SELECT * FROM c WHERE c.type = 'property' OR c.type = 'department'", {}];
    const properties: PropertyItem[] = [];
    const departments: DepartmentItem[] = [];
    let continuation: string | undefined;
    do {
      const page = await this.items(tenantId).page(query, params, { ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}), ...(continuation ? { continuation } : {}) });
      options.onPage?.(page.items.length);
      for (const item of page.items) {
        if (item.type === 'property') properties.push(item);
        else if (item.type === 'department') departments.push(item);
      }
      continuation = page.continuation;
    } while (continuation);
    return { properties, departments };
  }

  /** Every tenant's properties: the one cross-partition read, for platform jobs. */
  async everyProperty(maxItems = 100_000): Promise<PropertyItem[]> {
    return this.store.scan<PropertyItem>('tenants', "SELECT * FROM c WHERE c.type = 'property'", {}, maxItems);
  }
}
