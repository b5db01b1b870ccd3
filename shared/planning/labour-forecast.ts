import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { badRequest } from '../http/problem.js';
import type { PropertyDirectory } from '../identity/property-directory.js';
import { AggregatesReader, ReadCounter } from '../reporting/aggregates-reader.js';
import { payrollVisibleFor, scopedProperties } from '../reporting/access.js';
import { fold, mergeSums } from '../reporting/fold.js';
import { earnedHours, round } from '../reporting/kpis.js';
import { addDays, isValidTimeZone, lastYearOf, localDateTime } from '../reporting/periods.js';
import { daysOfMonth } from '../reporting/spread.js';
import { toCsv, type Cell } from '../reporting/csv.js';
import type { SourceType } from '../integrations/formats/index.js';
import { sourceTypesOf, type IntegrationItem } from '../integrations/model.js';
import { integrationCollection } from '../integrations/service.js';
import type { AggregateRecord, DepartmentInfo, Driver, PropertyInfo } from '../reporting/model.js';
import { ZERO_WEEK, weekdayOf, type LabourStandards, type Weekday, type WeekHours } from './labour-standards.js';

/** Where a row's volume comes from: the reservations on the books, the forecast, or nowhere. */
export type VolumeSource = 'onTheBooks' | 'forecast' | 'none';

/** The weeks a forecast may cover. */
export const FORECAST_WEEKS = { min: 1, max: 26, default: 6 } as const;

/** Days of actuals the average wage rate is taken over. */
export const WAGE_RATE_DAYS = 28;

/**
 * Why scheduled hours are null for a property: no integration of it feeds the `schedules` format and
 * no scheduled shift reached its days (docs/planning.md, "Labour forecast", "Scheduled hours").
 */
export const SCHEDULED_HOURS_UNAVAILABLE =
  'No schedule source for this property: no integration feeds scheduled shifts (the schedules format, e.g. the 7shifts connector or a schedules webhook) and none reached these days.';

/** Where a property's scheduled hours come from: the integrations feeding `schedules`; null figures when there is none. */
export interface ScheduledHoursSource {
  available: boolean;
  /** The property's integrations that feed scheduled shifts. */
  integrations: Array<{ id: string; name: string }>;
  /** Why the figures are null; null when they are available. */
  reason: string | null;
}

/** Required − scheduled hours (positive: more hours are needed than scheduled), to the hundredth; null without a schedule. */
export function scheduleVariance(required: number, scheduled: number | null): number | null {
  return scheduled === null ? null : (round(required - scheduled, 2) as number);
}

/** What one day offers as volumes, by source; a measure absent from a source is undefined. */
export interface DayVolumes {
  onTheBooks: { roomsSold?: number; guests?: number; covers?: number };
  forecast: { roomsSold?: number; guests?: number; covers?: number; revenue?: number };
}

/**
 * The volume of a department's driver for one day and where it comes from: rooms sold, guests and
 * covers from the books when the books have them, else from the forecast; revenue from the
 * forecast only (nothing books revenue ahead). A driver of `none` has no volume.
 */
export function forecastVolume(driver: Driver, day: DayVolumes): { volume: number | null; source: VolumeSource } {
  if (driver === 'none') return { volume: null, source: 'none' };
  const booked = driver === 'revenue' ? undefined : day.onTheBooks[driver];
  if (booked !== undefined) return { volume: booked, source: 'onTheBooks' };
  const forecast = day.forecast[driver];
  if (forecast !== undefined) return { volume: forecast, source: 'forecast' };
  return { volume: null, source: 'none' };
}

export interface RequiredHours {
  /** Volume × standard (R&P's earned hours, kpis.ts), null without a volume or a standard. */
  variableHours: number | null;
  fixedHours: number;
  /** variable + fixed, to the hundredth of an hour. */
  requiredHours: number;
}

/**
 * Required hours = volume × the department's standard hours per unit + its fixed hours of the
 * weekday. Without a volume or a standard only the fixed hours are required.
 *
 * @example requiredHours(140, 0.5, 8) // { variableHours: 70, fixedHours: 8, requiredHours: 78 }
 */
export function requiredHours(volume: number | null, standardHoursPerUnit: number | null, fixedHours: number): RequiredHours {
  const variable = earnedHours(volume, standardHoursPerUnit);
  const variableHours = variable === null ? null : (round(variable, 2) as number);
  return { variableHours, fixedHours, requiredHours: round((variableHours ?? 0) + fixedHours, 2) as number };
}

/**
 * The average wage rate of a department: labour cost ÷ paid hours of its actuals, to the cent; null
 * without paid hours. Labour cost = required hours × this rate, both as shown, so a reader can
 * multiply the two columns of the CSV and get the cost to the cent.
 *
 * @example wageRate(4200, 200) // 21
 */
export function wageRate(labourCost: number, paidHours: number): number | null {
  return paidHours > 0 ? (round(labourCost / paidHours, 2) as number) : null;
}

export const labourCost = (hours: number, rate: number | null): number | null => (rate === null ? null : (round(hours * rate, 2) as number));

export interface ForecastDay extends RequiredHours {
  date: string;
  weekday: Weekday;
  volume: number | null;
  source: VolumeSource;
  /** Hours of the department's published shifts on the day (0 when none); null when the property has no schedule source. */
  scheduledHours: number | null;
  /** requiredHours − scheduledHours; null with scheduledHours. */
  variance: number | null;
  labourCost?: number | null;
}

export interface ForecastTotals {
  requiredHours: number;
  scheduledHours: number | null;
  variance: number | null;
  labourCost?: number | null;
}

export interface ForecastDepartment {
  departmentId: string;
  code: string;
  name: string;
  driver: Driver;
  standardHoursPerUnit: number | null;
  fixedHours: WeekHours;
  /** Only with payroll.read: labour cost ÷ paid hours of the wage-rate range; null without paid hours there. */
  wageRate?: number | null;
  days: ForecastDay[];
  total: ForecastTotals;
}

export interface LabourForecastQuery {
  propertyId: string;
  /** Absent: tomorrow in the property's time zone. */
  from?: string | undefined;
  weeks: number;
}

export interface LabourForecastReport {
  report: 'labour-forecast';
  propertyId: string;
  name: string;
  currency: string;
  timezone: string;
  from: string;
  to: string;
  weeks: number;
  payrollVisible: boolean;
  /** The actuals the wage rates are averaged over; null without payroll.read. */
  wageRateRange: { from: string; to: string } | null;
  scheduledHours: ScheduledHoursSource;
  departments: ForecastDepartment[];
  /** Per day, every department together. */
  days: Array<{ date: string; requiredHours: number; scheduledHours: number | null; variance: number | null; labourCost?: number | null }>;
  total: ForecastTotals;
  meta: { storeReads: number; aggregateItems: number; labourCostUnavailable: number };
}

export interface LabourForecast {
  forecast(principal: Principal, query: LabourForecastQuery, now?: Date): Promise<LabourForecastReport>;
}

const SCHEDULES: SourceType = 'schedules';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Per date (and department), the daily on-the-books and forecast volumes the items carry. */
function volumesOf(items: readonly AggregateRecord[]): { property: Map<string, DayVolumes>; department: Map<string, DayVolumes> } {
  const property = new Map<string, DayVolumes>();
  const department = new Map<string, DayVolumes>();
  const dayOf = (map: Map<string, DayVolumes>, key: string) => {
    let d = map.get(key);
    if (!d) map.set(key, (d = { onTheBooks: {}, forecast: {} }));
    return d;
  };
  const add = (into: Record<string, number | undefined>, key: string, v: number | undefined) => {
    if (v !== undefined) into[key] = (into[key] ?? 0) + v;
  };
  for (const item of items) {
    if (item.period || (item.scenario !== 'onTheBooks' && item.scenario !== 'forecast')) continue;
    const side = item.scenario === 'onTheBooks' ? 'onTheBooks' : 'forecast';
    if (item.level === 'property') {
      const into = dayOf(property, item.date)[side];
      add(into, 'roomsSold', num(item.roomsSold));
      add(into, 'guests', num(item.guests));
    } else if (item.departmentId) {
      // Booked covers are the covers of the reservations held (FRS/TRS); forecast covers, the forecast's own.
      add(dayOf(department, `${item.date}|${item.departmentId}`)[side], 'covers', num(side === 'onTheBooks' ? item.reservedCovers : item.covers));
    }
  }
  return { property, department };
}

/** Per date and department, the scheduled hours of the on-the-books aggregates (the `schedules` format's measure). */
function scheduledOf(items: readonly AggregateRecord[]): { hours: Map<string, number>; fromSchedules: boolean } {
  const hours = new Map<string, number>();
  let fromSchedules = false;
  for (const item of items) {
    if (item.period || item.scenario !== 'onTheBooks' || item.level !== 'department' || !item.departmentId) continue;
    if ((item.sources?.[SCHEDULES] ?? 0) > 0) fromSchedules = true;
    const v = num(item.scheduledHours);
    if (v !== undefined && v !== 0) hours.set(`${item.date}|${item.departmentId}`, (hours.get(`${item.date}|${item.departmentId}`) ?? 0) + v);
  }
  return { hours, fromSchedules };
}

/** The range widened to whole months (the months a monthly figure is spread over). */
function wholeMonths(from: string, to: string): { from: string; to: string } {
  const last = daysOfMonth(to.slice(0, 7));
  return { from: `${from.slice(0, 7)}-01`, to: last[last.length - 1] as string };
}

/**
 * The labour forecast of a property (docs/planning.md, "Labour forecast"): per department and day,
 * the volume of its driver, the hours it requires and, for payroll readers, their cost at the
 * department's recent average wage rate.
 */
export function createLabourForecast(platform: Pick<Platform, 'store'>, deps: { properties: PropertyDirectory; standards: LabourStandards }): LabourForecast {
  const reader = new AggregatesReader(platform.store, deps.properties);

  /** The property's integrations that feed scheduled shifts (a webhook of the format, or a connector that pulls schedules). */
  async function scheduleIntegrations(tenantId: string, propertyId: string, counter: ReadCounter): Promise<Array<{ id: string; name: string }>> {
    const items = await integrationCollection(platform, tenantId).all<Pick<IntegrationItem, 'id' | 'name' | 'sourceType' | 'sourceTypes'>>(
      "SELECT c.id, c.name, c.sourceType, c.sourceTypes FROM c WHERE c.type = 'integration' AND c.propertyId = @propertyId",
      { propertyId },
    );
    counter.count(items.length);
    return items.filter((i) => sourceTypesOf(i).includes(SCHEDULES)).map((i) => ({ id: i.id, name: i.name }));
  }

  /** Paid hours and labour cost of each department's actuals over `range`, summed with the reports' fold. */
  async function actualsOf(tenantId: string, property: PropertyInfo, departments: readonly DepartmentInfo[], range: { from: string; to: string }, counter: ReadCounter) {
    const items = await reader.aggregates(tenantId, property.id, { ...range, scenarios: ['actual'] }, undefined, counter);
    const folded = fold(items, { ...range, granularity: 'day', alignment: 'calendar', series: new Set(['actual']) }, new Map(departments.map((d) => [d.id, d])));
    return { sums: mergeSums([...(folded.sums.get('actual')?.values() ?? [])]), labourCostUnavailable: folded.labourCostUnavailable };
  }

  return {
    async forecast(principal, q, now = new Date()) {
      if (q.propertyId === 'all') throw badRequest('The labour forecast is per property.', [{ field: 'query.propertyId', message: 'name one property' }]);
      const counter = new ReadCounter();
      const scoped = await scopedProperties(reader, principal, 'planning.read', q.propertyId, counter);
      const property = scoped.properties[0] as PropertyInfo;
      const departments = scoped.departments.get(property.id) ?? [];
      const today = localDateTime(now, isValidTimeZone(property.timezone) ? property.timezone : 'UTC').date;
      const from = q.from ?? addDays(today, 1);
      const to = addDays(from, q.weeks * 7 - 1);
      const dates = Array.from({ length: q.weeks * 7 }, (_, i) => addDays(from, i));
      const payrollVisible = payrollVisibleFor(principal, [property.id]);

      // Monthly forecast figures spread by last year's pattern need last year's actuals of their months.
      const lastYear = property.monthlySpread === 'lastYear' ? wholeMonths(lastYearOf(from, 'calendar'), lastYearOf(to, 'calendar')) : undefined;
      const items = await reader.aggregates(principal.tenantId, property.id, { from, to, scenarios: ['forecast', 'onTheBooks'] }, lastYear, counter);
      const byId = new Map(departments.map((d) => [d.id, d]));
      // Forecast revenue as R&P shows it: AMS lines (monthly ones spread by the property's setting), rooms revenue combined with the RMS's.
      const folded = fold(
        items,
        { from, to, granularity: 'day', alignment: 'calendar', series: new Set(['forecast']), roomsRevenueSource: property.roomsRevenueSource, monthlySpread: property.monthlySpread, capacity: property.roomsAvailable, excludeOutOfOrder: property.excludeOutOfOrderFromAvailable },
        byId,
      );
      const forecastSums = folded.sums.get('forecast');
      const volumes = volumesOf(items);
      const scheduled = scheduledOf(items);
      const integrations = await scheduleIntegrations(principal.tenantId, property.id, counter);
      // A schedule source is an integration feeding shifts, or shifts that reached these days (an older connector integration).
      const scheduleKnown = integrations.length > 0 || scheduled.fromSchedules;
      const hoursTotals = (required: number, onSchedule: number) => {
        const requiredHours = round(required, 2) as number;
        const scheduledHours = scheduleKnown ? (round(onSchedule, 2) as number) : null;
        return { requiredHours, scheduledHours, variance: scheduleVariance(requiredHours, scheduledHours) };
      };
      const scheduledOn = (date: string, departmentId: string): number | null => (scheduleKnown ? (round(scheduled.hours.get(`${date}|${departmentId}`) ?? 0, 2) as number) : null);
      const revenueDays = new Set(items.filter((i) => i.scenario === 'forecast' && i.level === 'property' && num(i.roomRevenue) !== undefined).map((i) => i.date));

      let wageRateRange: { from: string; to: string } | null = null;
      let labourCostUnavailable = 0;
      const rates = new Map<string, number | null>();
      if (payrollVisible) {
        // The last four weeks of actuals before the forecast (and never today or later: today is not closed).
        const rateTo = addDays(from <= today ? from : today, -1);
        wageRateRange = { from: addDays(rateTo, -(WAGE_RATE_DAYS - 1)), to: rateTo };
        const actual = await actualsOf(principal.tenantId, property, departments, wageRateRange, counter);
        labourCostUnavailable = actual.labourCostUnavailable;
        for (const d of departments) {
          const s = actual.sums.departments.get(d.id);
          rates.set(d.id, s ? wageRate(s.labourCost, s.productiveHours + s.nonProductiveHours) : null);
        }
      }

      const standards = await deps.standards.stored(principal.tenantId, property.id);
      const dayTotals = new Map(dates.map((date) => [date, { hours: 0, scheduled: 0, cost: 0 }]));
      const rows: ForecastDepartment[] = departments.map((dept) => {
        const fixed = standards?.fixedHours[dept.id] ?? { ...ZERO_WEEK };
        const rate = payrollVisible ? (rates.get(dept.id) ?? null) : undefined;
        let hours = 0;
        let scheduledHours = 0;
        let cost = 0;
        const days = dates.map((date): ForecastDay => {
          const weekday = weekdayOf(date);
          const sums = forecastSums?.get(date);
          const d = sums?.departments.get(dept.id);
          const rooms = dept.usaliDepartment === 'rooms';
          const revenuePosted = d?.amsRevenuePosted === true || (rooms && revenueDays.has(date));
          const available: DayVolumes = {
            onTheBooks: { ...volumes.property.get(date)?.onTheBooks, ...volumes.department.get(`${date}|${dept.id}`)?.onTheBooks },
            forecast: {
              ...volumes.property.get(date)?.forecast,
              ...volumes.department.get(`${date}|${dept.id}`)?.forecast,
              ...(revenuePosted ? { revenue: round(rooms ? (sums?.property.roomsRevenue ?? 0) : (d?.revenue ?? 0), 2) as number } : {}),
            },
          };
          const { volume, source } = forecastVolume(dept.driver, available);
          const required = requiredHours(volume, dept.standardHoursPerUnit, fixed[weekday]);
          hours += required.requiredHours;
          const onSchedule = scheduledOn(date, dept.id);
          scheduledHours += onSchedule ?? 0;
          const total = dayTotals.get(date) as { hours: number; scheduled: number; cost: number };
          total.hours += required.requiredHours;
          total.scheduled += onSchedule ?? 0;
          const day: ForecastDay = { date, weekday, volume, source, ...required, scheduledHours: onSchedule, variance: scheduleVariance(required.requiredHours, onSchedule) };
          if (rate !== undefined) {
            day.labourCost = labourCost(required.requiredHours, rate);
            cost += day.labourCost ?? 0;
            total.cost += day.labourCost ?? 0;
          }
          return day;
        });
        return {
          departmentId: dept.id,
          code: dept.code,
          name: dept.name,
          driver: dept.driver,
          standardHoursPerUnit: dept.standardHoursPerUnit,
          fixedHours: fixed,
          ...(rate !== undefined ? { wageRate: rate } : {}),
          days,
          total: { ...hoursTotals(hours, scheduledHours), ...(rate !== undefined ? { labourCost: rate === null ? null : (round(cost, 2) as number) } : {}) },
        };
      });
      const costOf = (c: number) => (payrollVisible ? { labourCost: round(c, 2) as number } : {});
      const grand = [...dayTotals.values()].reduce((s, t) => ({ hours: s.hours + t.hours, scheduled: s.scheduled + t.scheduled, cost: s.cost + t.cost }), { hours: 0, scheduled: 0, cost: 0 });
      return {
        report: 'labour-forecast',
        propertyId: property.id,
        name: property.name,
        currency: property.currency,
        timezone: property.timezone,
        from,
        to,
        weeks: q.weeks,
        payrollVisible,
        wageRateRange,
        scheduledHours: { available: scheduleKnown, integrations, reason: scheduleKnown ? null : SCHEDULED_HOURS_UNAVAILABLE },
        departments: rows,
        days: dates.map((date) => {
          const t = dayTotals.get(date) as { hours: number; scheduled: number; cost: number };
          return { date, ...hoursTotals(t.hours, t.scheduled), ...costOf(t.cost) };
        }),
        total: { ...hoursTotals(grand.hours, grand.scheduled), ...costOf(grand.cost) },
        meta: { storeReads: counter.reads, aggregateItems: counter.items, labourCostUnavailable },
      };
    },
  };
}

/** The forecast as CSV: one row per department and day; wage rate and labour cost columns only with payroll.read. */
export function labourForecastCsv(r: LabourForecastReport): string {
  const money = `(${r.currency})`;
  const header = [
    'property',
    'date',
    'weekday',
    'department code',
    'department',
    'driver',
    'volume source',
    'volume',
    'standard (h/unit)',
    'variable hours (h)',
    'fixed hours (h)',
    'required hours (h)',
    'scheduled hours (h)',
    'variance (h)',
    ...(r.payrollVisible ? [`wage rate ${money}`, `labour cost ${money}`] : []),
  ];
  const rows: Cell[][] = [];
  for (const d of r.departments) {
    for (const day of d.days) {
      rows.push([
        r.name,
        day.date,
        day.weekday,
        d.code,
        d.name,
        d.driver,
        day.source,
        day.volume,
        d.standardHoursPerUnit,
        day.variableHours,
        day.fixedHours,
        day.requiredHours,
        day.scheduledHours,
        day.variance,
        ...(r.payrollVisible ? [d.wageRate, day.labourCost] : []),
      ]);
    }
  }
  return toCsv(header, rows);
}
