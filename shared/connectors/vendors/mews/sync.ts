import type { CanonicalBatch, PullResult } from '../../connector.js';
import type { MewsClient, Interval } from './client.js';
import { ALL_STATES, blockDates, dayRecords, OCCUPYING_STATES, orderItemDate, reservationDates, utcInterval, type DayInputs, type Inventory } from './mapping.js';
import {
  accountingCategoriesPage,
  categoryAssignmentsPage,
  configuration,
  orderItemsPage,
  reservationsPage,
  resourceBlocksPage,
  resourceCategoriesPage,
  resourcesPage,
  type AccountingCategory,
  type OrderItem,
  type Reservation,
  type ResourceBlock,
} from './schemas.js';
import type { MewsSettings } from './settings.js';
import { businessDate } from '../../local-days.js';
import { addDays, dateRuns } from './time.js';

/** Business dates recomputed per request series: 89 days always fit the API's 3-month limit. */
export const MAX_DAYS_PER_REQUEST = 89;

const RESERVATIONS = 'reservations/getAll/2023-06-06';

/**
 * One run against one enterprise: reads what the days need and turns it into records. The
 * inventory (time zone, rooms, accounting categories) is read once per run.
 */
export class MewsSync {
  private inventory?: Inventory;

  constructor(
    readonly client: MewsClient,
    readonly settings: MewsSettings,
    private readonly today: string,
  ) {}

  private scope(): Record<string, unknown> {
    return { EnterpriseIds: [this.settings.enterpriseId] };
  }

  async loadInventory(): Promise<Inventory> {
    if (this.inventory) return this.inventory;
    const c = this.client;
    const config = await c.call('configuration/get', { EnterpriseId: this.settings.enterpriseId }, configuration);
    const categories = (await c.all('resourceCategories/getAll', { ...this.scope(), ServiceIds: [this.settings.serviceId], ActivityStates: ['Active'] }, resourceCategoriesPage, 'ResourceCategories')) as Array<{
      Id: string;
      Type: string;
      IsActive: boolean;
    }>;
    const roomTypes = new Set<string>(this.settings.roomCategoryTypes);
    const roomCategoryIds = categories.filter((k) => k.IsActive && roomTypes.has(k.Type)).map((k) => k.Id);
    const assigned = new Set<string>();
    if (roomCategoryIds.length > 0) {
      const assignments = (await c.byIds('resourceCategoryAssignments/getAll', { ...this.scope(), ActivityStates: ['Active'] }, 'ResourceCategoryIds', roomCategoryIds, categoryAssignmentsPage, 'ResourceCategoryAssignments')) as Array<{
        ResourceId: string;
        IsActive: boolean;
      }>;
      for (const a of assignments) if (a.IsActive) assigned.add(a.ResourceId);
    }
    const resources = (await c.all('resources/getAll', { ...this.scope(), Extent: { Resources: true, Inactive: false } }, resourcesPage, 'Resources')) as Array<{ Id: string; IsActive: boolean }>;
    const roomIds = new Set(resources.filter((r) => r.IsActive && assigned.has(r.Id)).map((r) => r.Id));
    const accounting = (await c.all('accountingCategories/getAll', { ...this.scope(), ActivityStates: ['Active', 'Deleted'] }, accountingCategoriesPage, 'AccountingCategories')) as AccountingCategory[];
    this.inventory = {
      enterpriseId: this.settings.enterpriseId,
      timeZone: config.Enterprise.TimeZoneIdentifier,
      roomIds,
      accountingCategories: new Map(accounting.map((a) => [a.Id, a])),
    };
    return this.inventory;
  }

  /** Everything that determines `dates`, read in runs of consecutive days, mapped to records. */
  async recompute(dates: Iterable<string>): Promise<CanonicalBatch[]> {
    const inventory = await this.loadInventory();
    const pms: Array<Record<string, unknown>> = [];
    const ams: Array<Record<string, unknown>> = [];
    for (const run of dateRuns(dates, MAX_DAYS_PER_REQUEST)) {
      const interval = utcInterval(run.from, run.to, inventory.timeZone);
      const inputs = await this.dayInputs(interval);
      const days: string[] = [];
      for (let d = run.from; d <= run.to; d = addDays(d, 1)) days.push(d);
      const out = dayRecords(days, inputs, inventory, this.settings, this.today);
      pms.push(...(out.pms as unknown as Array<Record<string, unknown>>));
      ams.push(...(out.ams as unknown as Array<Record<string, unknown>>));
    }
    const batches: CanonicalBatch[] = [];
    if (pms.length > 0) batches.push({ sourceType: 'pms', records: pms });
    if (ams.length > 0) batches.push({ sourceType: 'ams', records: ams });
    return batches;
  }

  private async dayInputs(interval: Interval): Promise<DayInputs> {
    const c = this.client;
    const reservations = (await c.allOver(RESERVATIONS, { ...this.scope(), ServiceIds: [this.settings.serviceId], States: [...OCCUPYING_STATES] }, 'CollidingUtc', interval, reservationsPage, 'Reservations')) as Reservation[];
    const orderItems = (await c.allOver('orderItems/getAll', this.scope(), 'ConsumedUtc', interval, orderItemsPage, 'OrderItems')) as OrderItem[];
    const blocks = (await c.allOver('resourceBlocks/getAll', { ...this.scope(), ActivityStates: ['Active'] }, 'CollidingUtc', interval, resourceBlocksPage, 'ResourceBlocks')) as ResourceBlock[];
    return { reservations, orderItems, blocks };
  }

  /** The business dates touched by what changed in `interval` (UpdatedUtc), plus the dates the interval itself spans. */
  async changedDates(interval: Interval): Promise<Set<string>> {
    const { timeZone } = await this.loadInventory();
    const c = this.client;
    const dates = new Set<string>();
    // The days the window spans: the day that closed in it moves from on the books to actual.
    const first = businessDate(interval.StartUtc, timeZone);
    const last = businessDate(interval.EndUtc, timeZone);
    for (let d = first; d <= last; d = addDays(d, 1)) dates.add(d);
    const reservations = (await c.allOver(RESERVATIONS, { ...this.scope(), ServiceIds: [this.settings.serviceId], States: [...ALL_STATES] }, 'UpdatedUtc', interval, reservationsPage, 'Reservations')) as Reservation[];
    for (const r of reservations) for (const d of reservationDates(r, timeZone)) dates.add(d);
    const items = (await c.allOver('orderItems/getAll', this.scope(), 'UpdatedUtc', interval, orderItemsPage, 'OrderItems')) as OrderItem[];
    for (const i of items) dates.add(orderItemDate(i, timeZone));
    const blocks = (await c.allOver('resourceBlocks/getAll', { ...this.scope(), ActivityStates: ['Active', 'Deleted'] }, 'UpdatedUtc', interval, resourceBlocksPage, 'ResourceBlocks')) as ResourceBlock[];
    for (const b of blocks) for (const d of blockDates(b, timeZone)) dates.add(d);
    return dates;
  }

  /** The business dates touched by the entities a webhook names. */
  async datesOf(ids: { reservations: string[]; blocks: string[] }): Promise<Set<string>> {
    const { timeZone } = await this.loadInventory();
    const c = this.client;
    const dates = new Set<string>();
    if (ids.reservations.length > 0) {
      const reservations = (await c.byIds(RESERVATIONS, { ...this.scope(), States: [...ALL_STATES] }, 'ReservationIds', ids.reservations, reservationsPage, 'Reservations')) as Reservation[];
      for (const r of reservations) for (const d of reservationDates(r, timeZone)) dates.add(d);
      // A shortened or moved stay leaves cancelled night items on the days it left.
      const items = (await c.byIds('orderItems/getAll', this.scope(), 'ServiceOrderIds', ids.reservations, orderItemsPage, 'OrderItems')) as OrderItem[];
      for (const i of items) dates.add(orderItemDate(i, timeZone));
    }
    if (ids.blocks.length > 0) {
      const blocks = (await c.byIds('resourceBlocks/getAll', { ...this.scope(), ActivityStates: ['Active', 'Deleted'] }, 'ResourceBlockIds', ids.blocks, resourceBlocksPage, 'ResourceBlocks')) as ResourceBlock[];
      for (const b of blocks) for (const d of blockDates(b, timeZone)) dates.add(d);
    }
    return dates;
  }

  result(batches: CanonicalBatch[]): PullResult {
    return { batches, objectsRead: this.client.objectsRead };
  }
}
