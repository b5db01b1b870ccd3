import type { Store, Item } from '../platform/cosmos/store.js';

/** The parts of a property and its departments (owned by the identity area, `tenants` container) that imports need. */
export interface PropertyRef extends Item {
  type: 'property';
  timezone?: string;
}

export interface DepartmentRef extends Item {
  type: 'department';
  propertyId: string;
  code: string;
  usaliDepartment?: string;
}

/** Read-only view of properties and departments: imports validate mappings and find the local day. */
export class PropertyDirectory {
  constructor(private readonly store: Store) {}

  async property(tenantId: string, propertyId: string): Promise<PropertyRef | undefined> {
    const item = await this.store.collection<PropertyRef>('tenants', tenantId).read(propertyId);
    return item?.type === 'property' ? item : undefined;
  }

  async list(tenantId: string): Promise<Array<PropertyRef & { name?: string; roomsAvailable?: number }>> {
    return this.store.collection<PropertyRef>('tenants', tenantId).all("SELECT * FROM c WHERE c.type = 'property'");
  }

  async departments(tenantId: string, propertyId: string): Promise<DepartmentRef[]> {
    return this.store
      .collection<DepartmentRef>('tenants', tenantId)
      .all<DepartmentRef>("SELECT c.id, c.tenantId, c.type, c.propertyId, c.code, c.usaliDepartment FROM c WHERE c.type = 'department' AND c.propertyId = @propertyId", { propertyId });
  }
}

/** A valid IANA time zone, or UTC. */
export function safeTimeZone(tz: string | undefined): string {
  if (!tz) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** The calendar date and hour at `at` in a time zone. */
export function localDateHour(at: Date, timeZone: string): { date: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: safeTimeZone(timeZone), year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}
