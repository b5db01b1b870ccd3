import { randomBytes } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { TENANT_SCOPE } from '../platform/topology.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { errorMessage } from '../platform/log.js';
import type { Principal } from '../access/principal.js';
import type { Permission } from '../access/permissions.js';
import { authorize, authorizeTenantWide } from '../access/authorize.js';
import { checkIfMatch } from '../http/etag.js';
import { badRequest, notFound, preconditionFailed } from '../http/problem.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import { ReadCounter, toPropertyInfo, type AggregatesReader } from '../reporting/aggregates-reader.js';
import { scopedProperties, type Scoped } from '../reporting/access.js';
import { chooseProperties, type PropertyGroupPort } from '../reporting/portfolio.js';
import type { PropertyInfo } from '../reporting/model.js';
import type { ConsumptionSource } from './consumption-source.js';
import type { FactorEntry, FactorTable } from './factors.js';
import type { ReductionTarget } from './targets.js';
import { propertySettingsId, propertySettingsSchema, type PropertySettings, type PropertySettingsItem } from './property-facts.js';
import { FACTORS_QUERY, emissionFactorItemId, factorViews, tenantTable, type EmissionFactorItem, type FactorView } from './factor-store.js';
import { propertyTargetsId, type PropertyTargetsItem } from './targets-store.js';
import { mergeWeather, weatherMonthId, weatherSeries, type WeatherMonthItem } from './weather.js';
import type { DailyTemperature } from './degree-days.js';
import {
  METHODOLOGY_VERSION,
  UTILITY_COSTS_NOTE,
  buckets,
  monthEnd,
  monthResult,
  nextMonth,
  propertyPeriods,
  shiftYear,
  totalPeriods,
  type MonthInput,
  type MonthResult,
  type ReportPeriod,
} from './report.js';
import { statementOf, type Statement } from './statement.js';
import { CHECK_DAYS, addDays, digestLines, expectedConsumption, guestsPerRoom, projections, targetAlertId, type DayFigures, type ProjectionAlert, type SustainabilityDigest, type TargetAlertItem } from './alerts.js';
import { degreeDays } from './degree-days.js';
import { countedWaterM3, energyTotals } from './resources.js';
import type { z } from 'zod';

type SustainabilityItem = PropertySettingsItem | EmissionFactorItem | PropertyTargetsItem | WeatherMonthItem | TargetAlertItem;

export interface SustainabilityDeps {
  directory: PropertyDirectory;
  reader: AggregatesReader;
  groups: PropertyGroupPort | undefined;
  consumption: ConsumptionSource;
  now?: () => Date;
}

export interface ReportQuery {
  propertyId?: string | undefined;
  groupId?: string | undefined;
  from: string;
  to: string;
  granularity: 'month' | 'year';
}

export interface ReportRow {
  propertyId: string;
  name: string;
  /** false: the property has no GoGreen settings (floor areas, country): no metrics can be computed. */
  configured: boolean;
  periods: ReportPeriod[];
  total: ReportPeriod;
}

export interface SustainabilityReport {
  report: 'sustainability';
  from: string;
  to: string;
  granularity: ReportQuery['granularity'];
  methodologyVersion: string;
  group: { id: string; kind: string; name: string } | null;
  properties: ReportRow[];
  /** The properties combined (intensities from summed numerators and denominators); null for one property. */
  total: { periods: ReportPeriod[]; total: ReportPeriod } | null;
  costs: string;
  meta: { storeReads: number };
}

/** Occupancy of a property's months from its R&P actuals (rooms sold, guests). */
export interface MonthOccupancy {
  occupiedRooms: number;
  guestNights: number;
}

const MAX_REPORT_MONTHS = 36;

/**
 * GoGreen's configuration, reports and statement (docs/gogreen.md): property settings, the
 * tenant's own emission factors, reduction targets and daily temperatures in the sustainability
 * container (every change audited through the outbox), and the report, which reads recorded
 * consumption (ConsumptionSource) and PMS occupancy (the R&P aggregates, through reporting's reader)
 * and computes everything with the core at read time.
 */
export class Sustainability {
  constructor(
    private readonly platform: Platform,
    private readonly deps: SustainabilityDeps,
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private items(tenantId: string) {
    return this.platform.store.collection<SustainabilityItem>('sustainability', tenantId);
  }

  /** 404 for a property the tenant lacks (another tenant's included), 403 outside the caller's scope. */
  async authorizeProperty(principal: Principal, permission: Permission, propertyId: string) {
    const property = await this.deps.directory.property(principal.tenantId, propertyId);
    if (!property) throw notFound('property');
    authorize(principal, permission, { tenantId: principal.tenantId, propertyId, kind: 'property' });
    return property;
  }

  private async commit<T extends SustainabilityItem>(mode: 'create' | 'replace' | 'upsert', item: T, events: Awaited<ReturnType<typeof auditEvent>>[], etag?: string): Promise<T> {
    try {
      return await this.platform.outbox.commit('sustainability', mode, item, events, etag);
    } catch (err) {
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'conflict')) throw preconditionFailed();
      throw err;
    }
  }

  // ---- property settings -------------------------------------------------------------------

  async settings(principal: Principal, propertyId: string): Promise<PropertySettingsItem> {
    await this.authorizeProperty(principal, 'sustainability.read', propertyId);
    const item = await this.settingsOf(principal.tenantId, propertyId);
    if (!item) throw notFound('sustainability settings of the property');
    return item;
  }

  settingsOf(tenantId: string, propertyId: string): Promise<PropertySettingsItem | undefined> {
    return this.items(tenantId).scoped(propertyId).read<PropertySettingsItem>(propertySettingsId(propertyId));
  }

  async putSettings(principal: Principal, propertyId: string, input: z.input<typeof propertySettingsSchema>, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<PropertySettingsItem> {
    const tenantId = principal.tenantId;
    await this.authorizeProperty(principal, 'sustainability.manage', propertyId);
    const body = propertySettingsSchema.parse(input);
    const existing = await this.settingsOf(tenantId, propertyId);
    if (!existing && ifMatch && ifMatch !== '*') throw preconditionFailed();
    const etag = existing ? checkIfMatch(ifMatch, existing) : undefined;
    const item: PropertySettingsItem = {
      id: propertySettingsId(propertyId),
      tenantId,
      type: 'sustainabilityProperty',
      propertyId,
      ...body,
      updatedAt: this.now().toISOString(),
      updatedBy: principal.userId,
    };
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor: actorOf(principal),
      action: existing ? 'sustainability.property_updated' : 'sustainability.property_configured',
      target: { type: 'sustainabilityProperty', id: item.id },
      details: { propertyId, country: body.country, scope2Basis: body.scope2Basis, totalM2: body.areas.totalM2, meetingM2: body.areas.meetingM2, excludedM2: body.areas.excludedM2 },
    });
    return this.commit(existing ? 'replace' : 'create', item, [event], etag);
  }

  // ---- emission factors --------------------------------------------------------------------

  private ownFactors(tenantId: string): Promise<EmissionFactorItem[]> {
    return this.items(tenantId).all<EmissionFactorItem>(FACTORS_QUERY);
  }

  async table(tenantId: string): Promise<FactorTable> {
    return tenantTable(await this.ownFactors(tenantId));
  }

  async factors(principal: Principal): Promise<FactorView[]> {
    authorize(principal, 'sustainability.read');
    return factorViews(await this.ownFactors(principal.tenantId));
  }

  async factor(principal: Principal, factorId: string): Promise<EmissionFactorItem> {
    authorize(principal, 'sustainability.read');
    const item = await this.items(principal.tenantId).scoped(TENANT_SCOPE).read<EmissionFactorItem>(emissionFactorItemId(factorId));
    if (!item) throw notFound('emission factor');
    return item;
  }

  /** Adds one of the tenant's own factors under a new id (tenant-wide sustainability.manage: factors apply to every property). */
  async createFactor(principal: Principal, entry: FactorEntry, meta: RequestMeta = {}): Promise<EmissionFactorItem> {
    authorizeTenantWide(principal, 'sustainability.manage');
    return this.writeFactor(principal, `ef_${randomBytes(16).toString('base64url').slice(0, 22)}`, entry, undefined, undefined, meta);
  }

  /** Replaces one of the tenant's own factors (If-Match honoured); an id the tenant lacks is a 404. */
  async replaceFactor(principal: Principal, factorId: string, entry: FactorEntry, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<EmissionFactorItem> {
    authorizeTenantWide(principal, 'sustainability.manage');
    const existing = await this.items(principal.tenantId).scoped(TENANT_SCOPE).read<EmissionFactorItem>(emissionFactorItemId(factorId));
    if (!existing || existing.deletedAt) throw notFound('emission factor');
    return this.writeFactor(principal, factorId, entry, existing, checkIfMatch(ifMatch, existing), meta);
  }

  private async writeFactor(principal: Principal, factorId: string, entry: FactorEntry, existing: EmissionFactorItem | undefined, etag: string | undefined, meta: RequestMeta): Promise<EmissionFactorItem> {
    const tenantId = principal.tenantId;
    const item: EmissionFactorItem = { id: emissionFactorItemId(factorId), tenantId, type: 'emissionFactor', factorId, entry, updatedAt: this.now().toISOString(), updatedBy: principal.userId };
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor: actorOf(principal),
      action: existing ? 'sustainability.factor_updated' : 'sustainability.factor_created',
      target: { type: 'emissionFactor', id: factorId },
      details: { activity: entry.activity, region: entry.region, unit: entry.unit, year: entry.year, kgCo2ePerUnit: entry.kgCo2ePerUnit, ...(existing ? { previousKgCo2ePerUnit: existing.entry.kgCo2ePerUnit } : {}) },
    });
    return this.commit(existing ? 'replace' : 'create', item, [event], etag);
  }

  async deleteFactor(principal: Principal, factorId: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<void> {
    const tenantId = principal.tenantId;
    authorizeTenantWide(principal, 'sustainability.manage');
    const existing = await this.items(tenantId).scoped(TENANT_SCOPE).read<EmissionFactorItem>(emissionFactorItemId(factorId));
    if (!existing || existing.deletedAt) throw notFound('emission factor');
    const etag = checkIfMatch(ifMatch, existing);
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor: actorOf(principal),
      action: 'sustainability.factor_deleted',
      target: { type: 'emissionFactor', id: factorId },
      details: { activity: existing.entry.activity, region: existing.entry.region, year: existing.entry.year, kgCo2ePerUnit: existing.entry.kgCo2ePerUnit },
    });
    // The event travels on a tombstone (the outbox commits with a write), then the item goes.
    const tombstone: EmissionFactorItem = { ...existing, deletedAt: this.now().toISOString() };
    await this.commit('replace', tombstone, [event], etag);
    await this.items(tenantId).scoped(TENANT_SCOPE).delete(tombstone.id);
  }

  // ---- targets -----------------------------------------------------------------------------

  targetsOf(tenantId: string, propertyId: string): Promise<PropertyTargetsItem | undefined> {
    return this.items(tenantId).scoped(propertyId).read<PropertyTargetsItem>(propertyTargetsId(propertyId));
  }

  async targets(principal: Principal, propertyId: string): Promise<PropertyTargetsItem> {
    await this.authorizeProperty(principal, 'sustainability.read', propertyId);
    const item = await this.targetsOf(principal.tenantId, propertyId);
    if (!item) throw notFound('targets of the property');
    return item;
  }

  async putTargets(principal: Principal, propertyId: string, targets: ReductionTarget[], ifMatch: string | undefined, meta: RequestMeta = {}): Promise<PropertyTargetsItem> {
    const tenantId = principal.tenantId;
    await this.authorizeProperty(principal, 'sustainability.manage', propertyId);
    const existing = await this.targetsOf(tenantId, propertyId);
    if (!existing && ifMatch && ifMatch !== '*') throw preconditionFailed();
    const etag = existing ? checkIfMatch(ifMatch, existing) : undefined;
    const item: PropertyTargetsItem = { id: propertyTargetsId(propertyId), tenantId, type: 'sustainabilityTargets', propertyId, targets, updatedAt: this.now().toISOString(), updatedBy: principal.userId };
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId,
      actor: actorOf(principal),
      action: 'sustainability.targets_set',
      target: { type: 'sustainabilityTargets', id: item.id },
      details: { propertyId, targets: targets.map((t) => `${t.resource} -${t.reductionPct}% vs ${t.baselineYear} by ${t.deadlineYear}`).join('; ') },
    });
    return this.commit(existing ? 'replace' : 'create', item, [event], etag);
  }

  // ---- weather -----------------------------------------------------------------------------

  /** Stores daily mean temperatures (a later delivery of a day replaces it); one audit event for the batch. */
  async putWeather(principal: Principal, propertyId: string, days: readonly DailyTemperature[], meta: RequestMeta = {}): Promise<{ propertyId: string; days: number; months: string[] }> {
    const tenantId = principal.tenantId;
    await this.authorizeProperty(principal, 'sustainability.manage', propertyId);
    const col = this.items(tenantId).scoped(propertyId);
    const months = [...new Set(days.map((d) => d.date.slice(0, 7)))].sort();
    const existing = new Map<string, WeatherMonthItem>();
    for (const m of months) {
      const item = await col.read<WeatherMonthItem>(weatherMonthId(propertyId, m));
      if (item) existing.set(m, item);
    }
    const merged = mergeWeather(existing, days);
    const at = this.now().toISOString();
    let first = true;
    for (const [month, byDay] of merged) {
      const item: WeatherMonthItem = { id: weatherMonthId(propertyId, month), tenantId, type: 'weatherMonth', propertyId, month, days: byDay, updatedAt: at };
      // One event for the whole delivery, committed with its first month.
      const events = first
        ? [
            await auditEvent(this.platform.cipher, {
              ...meta,
              tenantId,
              actor: actorOf(principal),
              action: 'sustainability.weather_recorded',
              target: { type: 'property', id: propertyId },
              details: { propertyId, days: days.length, from: days.map((d) => d.date).sort()[0] ?? '', to: days.map((d) => d.date).sort().at(-1) ?? '' },
            }),
          ]
        : [];
      first = false;
      await this.commit('upsert', item, events);
    }
    return { propertyId, days: days.length, months };
  }

  async weatherOf(tenantId: string, propertyId: string, fromMonth: string, toMonth: string): Promise<DailyTemperature[]> {
    const items = await this.items(tenantId)
      .scoped(propertyId)
      .all<WeatherMonthItem>("SELECT * FROM c WHERE c.type = 'weatherMonth' AND c.propertyId = @propertyId AND c.month >= @from AND c.month <= @to", { propertyId, from: fromMonth, to: toMonth });
    return weatherSeries(items);
  }

  // ---- occupancy (PMS) ---------------------------------------------------------------------

  /**
   * Rooms sold and guests per property and month (or day) from the R&P actuals, read through
   * reporting's reader: the monthly rollups for months, the daily aggregates for days.
   */
  async occupancy(tenantId: string, propertyIds: readonly string[], from: string, to: string, by: 'month' | 'day', counter: ReadCounter): Promise<Map<string, Map<string, MonthOccupancy>>> {
    const out = new Map<string, Map<string, MonthOccupancy>>(propertyIds.map((p) => [p, new Map()]));
    const range = { from, to, scenarios: ['actual' as const] };
    const records =
      by === 'month'
        ? await this.deps.reader.fromRollupsOfMany(tenantId, propertyIds.map((propertyId) => ({ propertyId, range, lastYear: undefined })), counter)
        : new Map(await Promise.all(propertyIds.map(async (p) => [p, await this.deps.reader.aggregates(tenantId, p, range, undefined, counter)] as const)));
    for (const [propertyId, items] of records) {
      const into = out.get(propertyId) as Map<string, MonthOccupancy>;
      for (const r of items) {
        if (r.level !== 'property' || r.scenario !== 'actual' || r.date < from || r.date > to) continue;
        const key = by === 'month' ? r.date.slice(0, 7) : r.date;
        const o = into.get(key) ?? { occupiedRooms: 0, guestNights: 0 };
        o.occupiedRooms += num(r.roomsSold);
        o.guestNights += num(r.guests);
        into.set(key, o);
      }
    }
    return out;
  }

  // ---- report ------------------------------------------------------------------------------

  private async scope(principal: Principal, q: ReportQuery, counter: ReadCounter): Promise<{ scoped: Scoped; group: SustainabilityReport['group'] }> {
    if (q.groupId) {
      const { scoped, group } = await chooseProperties(this.deps.reader, this.deps.groups, principal, q.groupId, 'sustainability.read', counter);
      return { scoped, group };
    }
    return { scoped: await scopedProperties(this.deps.reader, principal, 'sustainability.read', q.propertyId ?? 'all', counter), group: null };
  }

  /**
   * The month results of each property over [fromMonth, toMonth]: consumption (ConsumptionSource),
   * occupancy (R&P actuals), settings and the tenant's factor table, computed by the core.
   */
  async monthResults(tenantId: string, properties: readonly PropertyInfo[], fromMonth: string, toMonth: string, counter: ReadCounter): Promise<Map<string, { settings: PropertySettings | undefined; results: Map<string, MonthResult> }>> {
    const table = await this.table(tenantId);
    counter.count(0);
    const occupancy = await this.occupancy(tenantId, properties.map((p) => p.id), `${fromMonth}-01`, monthEnd(toMonth), 'month', counter);
    const out = new Map<string, { settings: PropertySettings | undefined; results: Map<string, MonthResult> }>();
    for (const p of properties) {
      const settings = await this.settingsOf(tenantId, p.id);
      counter.count(settings ? 1 : 0);
      const results = new Map<string, MonthResult>();
      if (settings) {
        const months = await this.deps.consumption.months(tenantId, p.id, fromMonth, toMonth);
        counter.count(months.length);
        const occ = occupancy.get(p.id) ?? new Map<string, MonthOccupancy>();
        for (const m of months) {
          const o = occ.get(m.month) ?? { occupiedRooms: 0, guestNights: 0 };
          const input: MonthInput = { month: m.month, days: Number(monthEnd(m.month).slice(8)), consumption: m.consumption, ...o };
          const r = monthResult(settings, settings.rooms ?? Math.max(1, p.roomsAvailable), table, input);
          if (r) results.set(m.month, r);
        }
      }
      out.set(p.id, { settings, results });
    }
    return out;
  }

  async report(principal: Principal, query: ReportQuery): Promise<SustainabilityReport> {
    checkRange(query.from, query.to);
    // Readings and occupancy are monthly figures: a range stands for the whole months it touches.
    const q = { ...query, from: `${query.from.slice(0, 7)}-01`, to: monthEnd(query.to.slice(0, 7)) };
    const counter = new ReadCounter();
    const { scoped, group } = await this.scope(principal, q, counter);
    const properties = scoped.properties;
    const tenantId = principal.tenantId;
    const targets = new Map<string, ReductionTarget[]>();
    for (const p of properties) {
      const t = await this.targetsOf(tenantId, p.id);
      counter.count(t ? 1 : 0);
      targets.set(p.id, t?.targets ?? []);
    }
    // Last year's months, and the baseline years of the targets, are read with the range.
    const baselines = [...targets.values()].flat().map((t) => `${t.baselineYear}-01`);
    const fromMonth = [shiftYear(q.from.slice(0, 7), -1), ...baselines].sort()[0] as string;
    const toMonth = q.to.slice(0, 7);
    const computed = await this.monthResults(tenantId, properties, fromMonth, toMonth, counter);
    const bs = buckets(q.from, q.to, q.granularity);
    const rows: ReportRow[] = properties.map((p) => {
      const c = computed.get(p.id);
      const { periods, total } = propertyPeriods(bs, c?.results ?? new Map(), targets.get(p.id) ?? []);
      return { propertyId: p.id, name: p.name, configured: c?.settings !== undefined, periods, total };
    });
    return {
      report: 'sustainability',
      from: q.from,
      to: q.to,
      granularity: q.granularity,
      methodologyVersion: METHODOLOGY_VERSION,
      group,
      properties: rows,
      total: rows.length > 1 ? totalPeriods(rows) : null,
      costs: UTILITY_COSTS_NOTE,
      meta: { storeReads: counter.reads },
    };
  }

  // ---- alerts ------------------------------------------------------------------------------

  /** The GoGreen section of a property's daily digest (sustainability.read over the property). */
  async digest(principal: Principal, propertyId: string, date: string): Promise<SustainabilityDigest> {
    await this.authorizeProperty(principal, 'sustainability.read', propertyId);
    return this.digestOf(principal.tenantId, propertyId, date);
  }

  /**
   * Month-end projections of the property's targets and expected consumption up to `date`: the
   * days of the month so far and the forecast guest nights of the rest (R&P forecast, else on the
   * books), and a model of energy and water fitted on the year before the last four weeks.
   */
  async digestOf(tenantId: string, propertyId: string, date: string): Promise<SustainabilityDigest> {
    const empty: SustainabilityDigest = { propertyId, date, projections: [], expected: [], alerts: [] };
    const [settings, property] = await Promise.all([this.settingsOf(tenantId, propertyId), this.deps.directory.property(tenantId, propertyId)]);
    if (!settings || !property) return empty;
    const counter = new ReadCounter();
    const rooms = settings.rooms ?? Math.max(1, property.roomsAvailable);
    const table = await this.table(tenantId);
    const month = date.slice(0, 7);
    const from = addDays(date, -(CHECK_DAYS - 1 + 365));
    const [days, occupancy, weather, targetsItem] = await Promise.all([
      this.deps.consumption.days(tenantId, propertyId, from, date),
      this.occupancy(tenantId, [propertyId], from, date, 'day', counter),
      this.weatherOf(tenantId, propertyId, from.slice(0, 7), month),
      this.targetsOf(tenantId, propertyId),
    ]);
    const occ = occupancy.get(propertyId) ?? new Map<string, MonthOccupancy>();
    const occOf = (d: string) => occ.get(d) ?? { occupiedRooms: 0, guestNights: 0 };

    let projected: ProjectionAlert[] = [];
    const targets = targetsItem?.targets ?? [];
    if (targets.length > 0) {
      const info = toPropertyInfo(property);
      const baselines = new Map<number, Map<string, MonthResult>>();
      for (const year of new Set(targets.map((t) => t.baselineYear))) {
        baselines.set(year, (await this.monthResults(tenantId, [info], `${year}-01`, `${year}-12`, counter)).get(propertyId)?.results ?? new Map());
      }
      const monthDays = days.filter((d) => d.date.startsWith(month));
      const dayResults = monthDays.flatMap((d) => {
        const r = monthResult(settings, rooms, table, { month: d.date, days: 1, consumption: d.consumption, ...occOf(d.date) });
        return r ? [r] : [];
      });
      const daysInMonth = Number(monthEnd(month).slice(8));
      const forecastGuestNights = await this.forecastGuestNights(tenantId, propertyId, date, monthEnd(month), monthDays.map((d) => occOf(d.date)), counter);
      projected = projections(targets, (y) => baselines.get(y) ?? new Map(), { month, daysInMonth, daysElapsed: Number(date.slice(8)), days: dayResults, forecastGuestNights });
    }
    const figures: DayFigures[] = days.map((d) => ({ date: d.date, energyKwh: energyTotals(d.consumption).totalKwh, waterM3: countedWaterM3(d.consumption), occupiedRooms: occOf(d.date).occupiedRooms }));
    const expected = expectedConsumption(figures, degreeDays(weather, settings.degreeDays), settings.anomalyRule, date);
    return { propertyId, date, projections: projected, expected, alerts: digestLines(projected, expected) };
  }

  /** Guest nights forecast after `date` to `to`: the R&P forecast's guests, else on the books, else rooms × guests per room so far. */
  private async forecastGuestNights(tenantId: string, propertyId: string, date: string, to: string, soFar: readonly MonthOccupancy[], counter: ReadCounter): Promise<number> {
    const from = addDays(date, 1);
    if (from > to) return 0;
    const perRoom = guestsPerRoom(soFar.reduce((s, o) => s + o.guestNights, 0), soFar.reduce((s, o) => s + o.occupiedRooms, 0));
    const items = await this.deps.reader.aggregates(tenantId, propertyId, { from, to, scenarios: ['forecast', 'onTheBooks'] }, undefined, counter);
    const byDay = new Map<string, { forecast?: number; onTheBooks?: number }>();
    for (const r of items) {
      if (r.level !== 'property' || r.date < from || r.date > to || (r.scenario !== 'forecast' && r.scenario !== 'onTheBooks')) continue;
      const guests = typeof r.guests === 'number' ? r.guests : typeof r.roomsSold === 'number' ? r.roomsSold * perRoom : undefined;
      if (guests === undefined) continue;
      const d = byDay.get(r.date) ?? {};
      d[r.scenario] = (d[r.scenario] ?? 0) + guests;
      byDay.set(r.date, d);
    }
    return [...byDay.values()].reduce((s, d) => s + (d.forecast ?? d.onTheBooks ?? 0), 0);
  }

  /**
   * The daily timer: for every configured property with targets, yesterday's (UTC) projections; each
   * one above target is recorded once per property, month and resource — an alert item created with
   * its audit event through the outbox; a second run finds the item and records nothing.
   */
  async raiseTargetAlerts(now: Date): Promise<{ raised: number; already: number; failed: number }> {
    const date = addDays(now.toISOString().slice(0, 10), -1);
    const out = { raised: 0, already: 0, failed: 0 };
    for (const doc of await this.deps.directory.everyProperty()) {
      try {
        if (!(await this.targetsOf(doc.tenantId, doc.id))?.targets.length) continue;
        const digest = await this.digestOf(doc.tenantId, doc.id, date);
        for (const p of digest.projections) {
          if (!p.aboveTarget || p.targetConsumption === null) continue;
          const item: TargetAlertItem = {
            id: targetAlertId(doc.id, p.month, p.resource),
            tenantId: doc.tenantId,
            type: 'sustainabilityAlert',
            propertyId: doc.id,
            month: p.month,
            resource: p.resource,
            projectedConsumption: p.projectedConsumption,
            targetConsumption: p.targetConsumption,
            raisedAt: now.toISOString(),
            asOf: date,
          };
          if (await this.items(doc.tenantId).scoped(doc.id).read(item.id)) {
            out.already += 1;
            continue;
          }
          const event = await auditEvent(this.platform.cipher, {
            id: `sustainability.target_projection_above:${doc.id}:${p.month}:${p.resource}`,
            tenantId: doc.tenantId,
            action: 'sustainability.target_projection_above',
            target: { type: 'property', id: doc.id },
            details: { propertyId: doc.id, month: p.month, resource: p.resource, asOf: date, projectedConsumption: round2(p.projectedConsumption), targetConsumption: round2(p.targetConsumption) },
          });
          try {
            await this.platform.outbox.commit('sustainability', 'create', item, [event]);
            out.raised += 1;
          } catch (err) {
            if (!isStoreError(err, 'conflict')) throw err;
            out.already += 1;
          }
        }
      } catch (err) {
        out.failed += 1;
        this.platform.log.error('GoGreen target alerts failed for a property', { tenantId: doc.tenantId, propertyId: doc.id, error: errorMessage(err) });
      }
    }
    return out;
  }

  async statement(principal: Principal, propertyId: string, year: number): Promise<Statement> {
    const property = await this.authorizeProperty(principal, 'sustainability.read', propertyId);
    const report = await this.report(principal, { propertyId, from: `${year}-01-01`, to: `${year}-12-31`, granularity: 'year' });
    const row = report.properties[0];
    if (!row) throw notFound('property');
    return statementOf({ id: property.id, name: row.name }, year, row.total);
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function checkRange(from: string, to: string): void {
  if (to < from) throw badRequest('`to` is before `from`.', [{ field: 'query.to', message: 'before from' }]);
  let months = 1;
  for (let m = from.slice(0, 7); m < to.slice(0, 7); m = nextMonth(m)) months += 1;
  if (months > MAX_REPORT_MONTHS) throw badRequest(`A report covers at most ${MAX_REPORT_MONTHS} months.`, [{ field: 'query.to', message: `at most ${MAX_REPORT_MONTHS} months after from` }]);
}
