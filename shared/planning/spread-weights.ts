import { ReadCounter, type AggregatesReader } from '../reporting/aggregates-reader.js';
import { DEPARTMENTAL_LINES, DEPARTMENT_MEASURES, PROPERTY_LINES, PROPERTY_MEASURES } from '../integrations/measures.js';
import type { AggregateRecord, DepartmentInfo, PropertyInfo } from '../reporting/model.js';
import { addDays } from '../reporting/periods.js';
import { daysOfMonth } from '../reporting/spread.js';
import type { SpreadMethod, SpreadTarget, SpreadWeightSource } from './spreading.js';

/** Days are aligned with last year by weekday: 52 weeks back, so a Saturday weighs like a Saturday. */
export const LAST_YEAR_DAYS_BACK = 364;

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** What the weights of a property's month are computed from: the property, its departments, and its aggregates. */
export interface MonthData {
  property: PropertyInfo | undefined;
  departments: DepartmentInfo[];
  days: string[];
  /** Daily (not monthly) aggregates by `date|scenario`. */
  byDay: Map<string, AggregateRecord[]>;
}

/**
 * The weights of the spreading methods (docs/planning.md, "Spreading"), one per day of the month,
 * from the same aggregates reports read (the reporting AggregatesReader: one query for the
 * property and its departments, one for the month and, for `lastYear`, its weekday-aligned days a
 * year back). What each method weighs: weightsOf.
 *
 * @example
 * const weights = new SpreadWeights(app.reporting.reader);
 * const days = spreadMonth(12_000, '2027-03', await weights.weights({ tenantId, propertyId, period: '2027-03', departmentId, measure: 'revenue' }, 'lastYear'));
 */
export class SpreadWeights implements SpreadWeightSource {
  constructor(private readonly reader: AggregatesReader) {}

  async weights(target: SpreadTarget, method: SpreadMethod): Promise<number[]> {
    return (await this.weightsOfMany([{ target, method }]))[0] as number[];
  }

  /**
   * The weights of many figures, in order, reading each property-month once: a version spreads
   * every line of a property-year, and one read per line would repeat the same query dozens of times.
   */
  async weightsOfMany(requests: ReadonlyArray<{ target: SpreadTarget; method: SpreadMethod }>): Promise<number[][]> {
    for (const { target } of requests) if (!PERIOD.test(target.period)) throw new RangeError(`period '${target.period}' is not YYYY-MM`);
    const months = new Map<string, { tenantId: string; propertyId: string; period: string; lastYear: boolean }>();
    const keyOf = (t: SpreadTarget) => JSON.stringify([t.tenantId, t.propertyId, t.period]);
    for (const { target, method } of requests) {
      if (method === 'even') continue;
      const key = keyOf(target);
      const month = months.get(key) ?? { tenantId: target.tenantId, propertyId: target.propertyId, period: target.period, lastYear: false };
      month.lastYear ||= method === 'lastYear';
      months.set(key, month);
    }
    const read = new Map<string, MonthData>();
    for (const [key, month] of months) read.set(key, await this.read(month));
    return requests.map(({ target, method }) => weightsOf(read.get(keyOf(target)) ?? monthData(target.period, undefined, [], []), target, method));
  }

  private async read(month: { tenantId: string; propertyId: string; period: string; lastYear: boolean }): Promise<MonthData> {
    const counter = new ReadCounter();
    const days = daysOfMonth(month.period);
    const first = days[0] as string;
    const last = days[days.length - 1] as string;
    const { properties, departments } = await this.reader.properties(month.tenantId, month.propertyId, counter);
    const items = await this.reader.aggregates(
      month.tenantId,
      month.propertyId,
      { from: first, to: last, scenarios: ['actual', 'forecast', 'onTheBooks'] },
      month.lastYear ? { from: addDays(first, -LAST_YEAR_DAYS_BACK), to: addDays(last, -LAST_YEAR_DAYS_BACK) } : undefined,
      counter,
    );
    return monthData(
      month.period,
      properties.find((p) => p.id === month.propertyId),
      departments.filter((d) => d.propertyId === month.propertyId),
      items,
    );
  }
}

/**
 * A property's month as the weights read it. `items` are the aggregates of the month (and of the
 * days 364 days earlier, for `lastYear`); only daily ones weigh: a monthly AMS posting has no daily
 * pattern to lend.
 */
export function monthData(period: string, property: PropertyInfo | undefined, departments: DepartmentInfo[], items: readonly AggregateRecord[]): MonthData {
  const byDay = new Map<string, AggregateRecord[]>();
  for (const item of items) {
    if (item.period) continue;
    const key = `${item.date}|${item.scenario}`;
    const list = byDay.get(key);
    if (list) list.push(item);
    else byDay.set(key, [item]);
  }
  return { property, departments, days: daysOfMonth(period), byDay };
}

/**
 * One weight per day of the month for a figure (pure: the month's data in, weights out).
 *
 * - `even`: 1 each.
 * - `roomsAvailable`: a day's actual PMS rooms available, else its on-the-books rooms available (a
 *   future day), else the property's room count; out-of-order rooms are taken out when the property's
 *   setting takes them out of rooms available in reports.
 * - `lastYear`: the figure's measure on the actual day 364 days earlier (lastYearFigure).
 * - `roomNights`: a day's forecast rooms sold (the RMS's, or an approved forecast version's rooms sold
 *   line), else its PMS rooms on the books.
 * - `covers`: a day's forecast covers (an approved forecast version's covers line), else the covers
 *   of the reservations held for it (received before it, on the books, or later); of the
 *   department, or of every F&B department for a property-level figure.
 *
 * A method without data for the month answers zeros, and spreadMonth then spreads evenly.
 */
export function weightsOf(data: MonthData, target: Pick<SpreadTarget, 'departmentId' | 'measure'>, method: SpreadMethod): number[] {
  const days = data.days;
  switch (method) {
    case 'even':
      return days.map(() => 1);
    case 'roomsAvailable':
      return roomsAvailableWeights(data);
    case 'roomNights':
      return days.map((d) => {
        // A day's forecast of rooms: the RMS's (even of 0 rooms), or an approved forecast version's rooms
        // sold line, which stands in for the RMS in a month it plans (integrations/aggregate.ts).
        const forecast = propertyItem(data, d, 'forecast');
        if (forecast && (num(forecast.sources?.rms) > 0 || num(forecast.roomsSold) > 0)) return num(forecast.roomsSold);
        return num(propertyItem(data, d, 'onTheBooks')?.roomsSold);
      });
    case 'covers': {
      const outlets = new Set(target.departmentId ? [target.departmentId] : data.departments.filter((x) => x.usaliDepartment === 'fnb').map((x) => x.id));
      const ofOutlets = (d: string, scenario: string) => scenarioItems(data, d, scenario).filter((i) => i.level === 'department' && i.departmentId !== null && outlets.has(i.departmentId));
      return days.map((d) => {
        // Forecast covers (an approved forecast version's covers line) include the walk-ins reservations never show.
        const forecast = ofOutlets(d, 'forecast').reduce((s, i) => s + num(i.covers), 0);
        if (forecast > 0) return forecast;
        return [...ofOutlets(d, 'actual'), ...ofOutlets(d, 'onTheBooks')].reduce((s, i) => s + num(i.reservedCovers), 0);
      });
    }
    case 'lastYear':
      return days.map((d) => lastYearFigure(data, addDays(d, -LAST_YEAR_DAYS_BACK), target));
  }
}

function scenarioItems(data: MonthData, date: string, scenario: string): AggregateRecord[] {
  return data.byDay.get(`${date}|${scenario}`) ?? [];
}

function propertyItem(data: MonthData, date: string, scenario: string): AggregateRecord | undefined {
  return scenarioItems(data, date, scenario).find((i) => i.level === 'property');
}

/** Rooms available of each day: actual statistics, else on the books, else the property's room count. */
function roomsAvailableWeights(data: MonthData): number[] {
  const capacity = data.property?.roomsAvailable ?? 0;
  const excludeOutOfOrder = data.property?.excludeOutOfOrderFromAvailable === true;
  const available = (item: AggregateRecord | undefined): number | undefined =>
    item && num(item.roomsAvailable) > 0 ? num(item.roomsAvailable) - (excludeOutOfOrder ? num(item.outOfOrder) : 0) : undefined;
  return data.days.map((d) => available(propertyItem(data, d, 'actual')) ?? available(propertyItem(data, d, 'onTheBooks')) ?? capacity);
}

/**
 * What a figure's measure was on one actual day (`date`, last year): at the target's department, or
 * over every department for a property-level figure. A measure is a field of the aggregates
 * (integrations/measures.ts) or a USALI line (`usali.` prefix optional). Property statistics and
 * property lines are read at the property whatever the department. The lines reports take from
 * operational sources read those: `revenue` is POS/S&C revenue, plus the PMS room revenue for a
 * rooms department and for the property (the day's total revenue); `payrollAndRelated` is the time
 * keeping's labour cost. Cost of sales and other expenses read the day's AMS postings. Anything else
 * (a ratio such as a productivity target) has no daily actuals: zeros.
 */
function lastYearFigure(data: MonthData, date: string, target: Pick<SpreadTarget, 'departmentId' | 'measure'>): number {
  const measure = target.measure.replace(/^usali\./, '');
  const items = scenarioItems(data, date, 'actual');
  const property = items.find((i) => i.level === 'property');
  if (isOneOf(PROPERTY_MEASURES, measure)) return num(property?.[measure]);
  if (isOneOf(PROPERTY_LINES, measure)) return num(property?.usali?.[measure]);
  const departments = target.departmentId ? data.departments.filter((d) => d.id === target.departmentId) : data.departments;
  let sum = 0;
  for (const dept of departments) {
    const item = items.find((i) => i.level === 'department' && i.departmentId === dept.id);
    if (item) sum += departmentFigure(item, measure);
  }
  const withRooms = target.departmentId === undefined || departments.some((d) => d.usaliDepartment === 'rooms');
  if (measure === 'revenue' && withRooms) sum += num(property?.roomRevenue);
  return sum;
}

function departmentFigure(item: AggregateRecord, measure: string): number {
  if (measure === 'payrollAndRelated') return num(item.labourCost);
  if (isOneOf(DEPARTMENT_MEASURES, measure)) return num(item[measure]);
  if (isOneOf(DEPARTMENTAL_LINES, measure)) return num(item.usali?.[measure]);
  return 0;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
