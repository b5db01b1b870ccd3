import { randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Principal } from '../access/principal.js';
import { authorize, holds } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import { badRequest, forbidden, notFound } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import { ReadCounter, type AggregatesReader } from '../reporting/aggregates-reader.js';
import { payrollVisibleFor } from '../reporting/access.js';
import { fold } from '../reporting/fold.js';
import type { DepartmentInfo } from '../reporting/model.js';
import type { PlansPort } from '../reporting/plans.js';
import { statement } from '../reporting/pnl.js';
import { daysOfMonth } from '../reporting/spread.js';
import { applyChanges, driversOf, projectYear, type DriverChange, type MonthBaseline, type MonthDrivers, type Projection } from './scenarios-projection.js';

/** Where a scenario's baseline was copied from: the forecast series reports compare with. */
export interface ScenarioSource {
  series: 'forecast';
  /** The planning forecast version in force when copied, when reports name one; null: the forecast series as pushed. */
  versionId: string | null;
  label: string;
  copiedAt: string;
}

/** A named what-if over one property-year: the forecast copied at creation, and the drivers as changed since. */
export interface ScenarioItem extends Item, OutboxCarrier {
  type: 'planningScenario';
  propertyId: string;
  year: number;
  name: string;
  currency: string;
  source: ScenarioSource;
  /** The departments as they were when copied: later edits of a department don't move a scenario. */
  departments: DepartmentInfo[];
  baseline: MonthBaseline[];
  baselineDrivers: MonthDrivers[];
  drivers: MonthDrivers[];
  createdAt: string;
  updatedAt: string;
}

export interface ScenarioView {
  item: ScenarioItem;
  projection: Projection;
  payrollVisible: boolean;
}

export const MAX_COMPARED = 3;
const TYPE = 'planningScenario';

/**
 * What-if scenarios (docs/planning.md, "Scenarios (what-if)"). A scenario is a copy: it reads the
 * forecast once, at creation, and from then on only its own item in the planning container, so
 * nothing a scenario does reaches facts, aggregates, versions or reports.
 */
export class ScenarioService {
  constructor(
    private readonly platform: Platform,
    private readonly reader: AggregatesReader,
    /** The versions in force, as reports learn them: the one the copied forecast came from is recorded. */
    private readonly plans?: PlansPort,
  ) {}

  private items(tenantId: string) {
    return this.platform.store.collection<ScenarioItem>('planning', tenantId);
  }

  private async item(principal: Principal, id: string): Promise<ScenarioItem> {
    const item = await this.items(principal.tenantId).read(id);
    if (!item || item.type !== TYPE) throw notFound('scenario');
    return item;
  }

  private async readable(principal: Principal, id: string): Promise<ScenarioItem> {
    const item = await this.item(principal, id);
    authorize(principal, 'planning.read', { tenantId: principal.tenantId, propertyId: item.propertyId, kind: 'scenario' });
    return item;
  }

  private view(principal: Principal, item: ScenarioItem): ScenarioView {
    return { item, projection: projectYear(item.baseline, item.baselineDrivers, item.drivers, item.departments), payrollVisible: payrollVisibleFor(principal, [item.propertyId]) };
  }

  /** Copies the forecast of the property-year into a new scenario whose drivers equal the forecast's. */
  async create(principal: Principal, input: { propertyId: string; year: number; name: string }, meta: RequestMeta): Promise<ScenarioView> {
    const tenantId = principal.tenantId;
    const counter = new ReadCounter();
    const { properties, departments } = await this.reader.properties(tenantId, input.propertyId, counter);
    const property = properties.find((p) => p.id === input.propertyId);
    if (!property) throw notFound('property');
    authorize(principal, 'planning.submit', { tenantId, propertyId: property.id, kind: 'property' });
    const depts = departments.filter((d) => d.propertyId === property.id);
    const from = `${input.year}-01-01`;
    const to = `${input.year}-12-31`;
    const items = await this.reader.fromRollups(tenantId, property.id, { from, to, scenarios: ['forecast'] }, undefined, counter);
    if (items.length === 0) throw badRequest(`There is no forecast for this property in ${input.year} to copy.`, [{ field: 'body.year', message: 'no forecast figures for the property in this year' }]);
    // Whole months only: how a monthly figure is spread over its days changes no month's total, so the even spread is read.
    const folded = fold(items, { from, to, granularity: 'month', alignment: 'calendar', series: new Set(['forecast']), roomsRevenueSource: property.roomsRevenueSource, monthlySpread: 'even', capacity: property.roomsAvailable, excludeOutOfOrder: property.excludeOutOfOrderFromAvailable }, new Map(depts.map((d) => [d.id, d])));
    const sums = folded.sums.get('forecast');
    const baseline: MonthBaseline[] = folded.buckets.map((b) => {
      const s = sums?.get(b.key);
      const days = daysOfMonth(b.key).length;
      // Rooms available as the P&L counts them (statistics, else capacity): the one implementation of that rule.
      const roomsAvailable = s ? (statement(s, { departments: depts, capacity: property.roomsAvailable, excludeOutOfOrder: property.excludeOutOfOrderFromAvailable, days, statisticsRequired: true }).get('stats.roomsAvailable') ?? 0) : property.roomsAvailable * days;
      const month: MonthBaseline = {
        period: b.key,
        days,
        property: { roomsAvailable, roomsSold: s?.property.roomsSold ?? 0, roomsRevenue: s?.property.roomsRevenue ?? 0, guests: s?.property.guests ?? 0, usali: { ...(s?.property.usali ?? ({} as MonthBaseline['property']['usali'])) } },
        departments: {},
      };
      for (const [id, d] of s?.departments ?? []) {
        month.departments[id] = { revenue: d.revenue, covers: d.covers, productiveHours: d.productiveHours, nonProductiveHours: d.nonProductiveHours, labourCost: d.labourCost, costOfSales: d.usali.costOfSales, otherExpenses: d.usali.otherExpenses };
      }
      return month;
    });
    const baselineDrivers = baseline.map((m) => driversOf(m, depts));
    const version = (await this.plans?.plansInForce(tenantId, [property.id], input.year, input.year))?.[property.id]?.forecast.find((v) => v.year === input.year);
    const now = new Date().toISOString();
    const id = randomUUID();
    const item: ScenarioItem = {
      id,
      tenantId,
      type: TYPE,
      propertyId: property.id,
      year: input.year,
      name: input.name,
      currency: property.currency,
      source: { series: 'forecast', versionId: version?.versionId ?? null, label: version ? `forecast version ${version.number}` : 'forecast series', copiedAt: now },
      departments: depts,
      baseline,
      baselineDrivers,
      drivers: baselineDrivers,
      createdAt: now,
      updatedAt: now,
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'planning.scenario_created',
      target: { type: 'planningScenario', id },
      details: { propertyId: property.id, year: input.year, name: input.name, source: item.source.label },
      ...meta,
    });
    return this.view(principal, await this.platform.outbox.commit('planning', 'create', item, [event]));
  }

  /** Renames and/or changes drivers (applied in order to the current drivers); the baseline never changes. */
  async update(principal: Principal, id: string, patch: { name?: string | undefined; changes?: DriverChange[] | undefined }, ifMatch: string | undefined, meta: RequestMeta): Promise<ScenarioView> {
    const tenantId = principal.tenantId;
    const current = await this.item(principal, id);
    authorize(principal, 'planning.submit', { tenantId, propertyId: current.propertyId, kind: 'scenario' });
    const changes = patch.changes ?? [];
    this.checkChanges(principal, current, changes);
    const etag = checkIfMatch(ifMatch, current);
    const drivers = applyChanges(current.drivers, changes);
    drivers.forEach((m) => {
      if (m.occupancy !== null && m.occupancy > 1) throw badRequest(`Occupancy in ${m.period} would be above 100 %.`, [{ field: 'body.changes', message: `occupancy of ${m.period} above 1` }]);
    });
    const next: ScenarioItem = { ...current, ...(patch.name !== undefined ? { name: patch.name } : {}), drivers, updatedAt: new Date().toISOString() };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'planning.scenario_updated',
      target: { type: 'planningScenario', id },
      ...(patch.name !== undefined && patch.name !== current.name ? { changes: { name: { before: current.name, after: patch.name } } } : {}),
      details: { propertyId: current.propertyId, year: current.year, driverChanges: JSON.stringify(changes) },
      ...meta,
    });
    return this.view(principal, await this.platform.outbox.commit('planning', 'replace', next, [event], etag));
  }

  /** Every change must name a month of the scenario's year and one of its departments; wage rates need payroll.read. */
  private checkChanges(principal: Principal, item: ScenarioItem, changes: readonly DriverChange[]): void {
    const months = new Set(item.baseline.map((m) => m.period));
    const depts = new Set(item.departments.map((d) => d.id));
    changes.forEach((c, i) => {
      if (c.month !== undefined && !months.has(c.month)) throw badRequest(`${c.month} is not a month of ${item.year}.`, [{ field: `body.changes.${i}.month`, message: `not a month of ${item.year}` }]);
      if (c.departmentId !== undefined && !depts.has(c.departmentId)) throw badRequest('No such department in the scenario.', [{ field: `body.changes.${i}.departmentId`, message: 'not a department of the property' }]);
      if (c.driver === 'wageRate' && !holds(principal, 'payroll.read', item.propertyId)) throw forbidden("Changing wage rates requires the permission 'payroll.read'.");
    });
  }

  async get(principal: Principal, id: string): Promise<ScenarioView> {
    return this.view(principal, await this.readable(principal, id));
  }

  /** The scenarios of a property-year, newest first, without their figures. */
  async list(principal: Principal, propertyId: string, year: number): Promise<ScenarioItem[]> {
    const { properties } = await this.reader.properties(principal.tenantId, propertyId, new ReadCounter());
    if (!properties.some((p) => p.id === propertyId)) throw notFound('property');
    authorize(principal, 'planning.read', { tenantId: principal.tenantId, propertyId, kind: 'property' });
    return this.items(principal.tenantId).all<ScenarioItem>(
      'SELECT * FROM c WHERE c.type = @type AND c.propertyId = @propertyId AND c.year = @year ORDER BY c.createdAt DESC',
      { type: TYPE, propertyId, year },
    );
  }

  /** Up to three scenarios side by side; each must be readable, or the comparison is refused as a whole. */
  async compare(principal: Principal, ids: readonly string[]): Promise<ScenarioView[]> {
    if (ids.length === 0 || ids.length > MAX_COMPARED) throw badRequest(`Compare 1 to ${MAX_COMPARED} scenarios.`, [{ field: 'query.ids', message: `1 to ${MAX_COMPARED} ids` }]);
    const out: ScenarioView[] = [];
    for (const id of ids) out.push(await this.get(principal, id));
    return out;
  }

  /** Deletes a scenario; its event rides on a tombstone written conditionally on the ETag, then the item goes. */
  async remove(principal: Principal, id: string, ifMatch: string | undefined, meta: RequestMeta): Promise<void> {
    const tenantId = principal.tenantId;
    const current = await this.item(principal, id);
    authorize(principal, 'planning.submit', { tenantId, propertyId: current.propertyId, kind: 'scenario' });
    const etag = checkIfMatch(ifMatch, current);
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'planning.scenario_deleted',
      target: { type: 'planningScenario', id },
      changes: { name: { before: current.name } },
      details: { propertyId: current.propertyId, year: current.year },
      ...meta,
    });
    await this.platform.outbox.commit('planning', 'replace', { ...current, type: 'planningScenarioDeleted' } as unknown as ScenarioItem, [event], etag);
    await this.items(tenantId).delete(id);
  }
}
