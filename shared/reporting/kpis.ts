import { PROFIT_CENTRES, addBookings, emptyBookings, emptyDeptSums, type Bookings, type BucketSums, type DepartmentInfo, type DeptSums, type PropertySums } from './model.js';

/**
 * Labour-productivity KPIs (GUIDE §4, docs/kpis.md). Every ratio over a zero (or missing)
 * denominator is null, never NaN or Infinity.
 */

/** `a ÷ b`, or null when it is undefined. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const r = a / b;
  return Number.isFinite(r) ? r : null;
}

export const round = (v: number | null, digits: number): number | null => {
  if (v === null) return null;
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? 0 : r;
};
const money = (v: number) => round(v, 2) as number;
const kpi = (v: number | null) => round(v, 4);

/** Productivity = output ÷ paid hours. */
export const productivity = (output: number, hours: number) => ratio(output, hours);
/** RevPOLU = revenue of all profit centres ÷ total paid hours (productive + non-productive). */
export const revPolu = (profitCentreRevenue: number, paidHours: number) => ratio(profitCentreRevenue, paidHours);
/** Revenue per labour hour = revenue ÷ labour hours. */
export const revenuePerLabourHour = (revenue: number, labourHours: number) => ratio(revenue, labourHours);
/** Labour cost % = labour cost ÷ revenue × 100. */
export const labourCostPct = (labourCost: number, revenue: number) => {
  const r = ratio(labourCost, revenue);
  return r === null ? null : r * 100;
};
/** HPOR = labour hours ÷ rooms sold. */
export const hpor = (labourHours: number, roomsSold: number) => ratio(labourHours, roomsSold);
/** MPOR = housekeeping hours × 60 ÷ rooms sold (minutes per occupied room). */
export const mpor = (housekeepingHours: number, roomsSold: number) => ratio(housekeepingHours * 60, roomsSold);
/** Covers per labour hour = covers ÷ F&B hours. */
export const coversPerLabourHour = (covers: number, fnbHours: number) => ratio(covers, fnbHours);
/** Earned (standard) hours = driver volume × standard hours per unit. */
export const earnedHours = (volume: number | null, standardHoursPerUnit: number | null) =>
  volume === null || standardHoursPerUnit === null ? null : volume * standardHoursPerUnit;
/** Productivity index = earned ÷ actual hours (above 1: fewer hours used than the standard allows). */
export const productivityIndex = (earned: number | null, actual: number) => ratio(earned, actual);
/** Hours variance = actual − earned (positive: over the standard). */
export const hoursVariance = (actual: number, earned: number | null) => (earned === null ? null : actual - earned);

/** The figures of one report row for one series. Labour cost fields exist only for payroll readers. */
export interface RpFigures {
  revenue: number;
  /** Property statistics: on the property row, and on a department row only when it is the department's driver. */
  roomsSold: number | null;
  covers: number;
  guests: number | null;
  /** FRS/TRS reservations held for the dates (F&B departments and the property row; null in plans and elsewhere). */
  reservations: number | null;
  coversBooked: number | null;
  cancellations: number | null;
  noShows: number | null;
  productiveHours: number;
  nonProductiveHours: number;
  paidHours: number;
  labourCost?: number;
  /** Output the department is measured by (its driver); the property total is measured by revenue. */
  output: number | null;
  productivityTotal: number | null;
  productivityOperational: number | null;
  revPOLU: number | null;
  revenuePerLabourHour: number | null;
  labourCostPct?: number | null;
  hpor: number | null;
  mpor: number | null;
  coversPerLabourHour: number | null;
  earnedHours: number | null;
  productivityIndex: number | null;
  hoursVariance: number | null;
  /** Days with at least one aggregate behind these figures. */
  dataDays: number;
}

export const RP_FIGURE_KEYS = [
  'revenue',
  'roomsSold',
  'covers',
  'guests',
  'reservations',
  'coversBooked',
  'cancellations',
  'noShows',
  'productiveHours',
  'nonProductiveHours',
  'paidHours',
  'labourCost',
  'output',
  'productivityTotal',
  'productivityOperational',
  'revPOLU',
  'revenuePerLabourHour',
  'labourCostPct',
  'hpor',
  'mpor',
  'coversPerLabourHour',
  'earnedHours',
  'productivityIndex',
  'hoursVariance',
  'dataDays',
] as const satisfies ReadonlyArray<keyof RpFigures>;
export type RpFigureKey = (typeof RP_FIGURE_KEYS)[number];

const PAYROLL_KEYS: ReadonlySet<RpFigureKey> = new Set(['labourCost', 'labourCostPct']);
const COUNT_KEYS: ReadonlySet<RpFigureKey> = new Set(['dataDays', 'roomsSold', 'covers', 'guests', 'reservations', 'coversBooked', 'cancellations', 'noShows']);

/** Bookings figures of F&B rows in the actual and last-year series; null elsewhere (no source plans reservations). */
function bookingFigures(b: Bookings | null): Pick<RpFigures, 'reservations' | 'coversBooked' | 'cancellations' | 'noShows'> {
  return b ? { ...b } : { reservations: null, coversBooked: null, cancellations: null, noShows: null };
}

/** The volume a department is measured by (its driver), null without one. */
export function driverVolume(dept: DepartmentInfo, d: DeptSums, p: PropertySums): number | null {
  switch (dept.driver) {
    case 'roomsSold':
      return p.roomsSold;
    case 'covers':
      return d.covers;
    case 'guests':
      return p.guests;
    case 'revenue':
      return d.revenue;
    case 'none':
      return null;
  }
}

function finish(f: RpFigures, payroll: boolean): RpFigures {
  const out = { ...f };
  for (const k of RP_FIGURE_KEYS) {
    const v = out[k];
    if (typeof v !== 'number') continue;
    const digits = COUNT_KEYS.has(k) ? 0 : ['revenue', 'labourCost', 'productiveHours', 'nonProductiveHours', 'paidHours', 'earnedHours', 'hoursVariance'].includes(k) ? 2 : 4;
    (out as Record<string, unknown>)[k] = digits === 4 ? kpi(v) : round(v, digits);
  }
  if (!payroll) for (const k of PAYROLL_KEYS) delete out[k];
  return out;
}

/**
 * R&P figures of one department for one bucket of one series (`planned`: budget or forecast).
 * The row shows the department's own volumes: rooms sold and guests only when they are its driver.
 */
export function departmentFigures(dept: DepartmentInfo, sums: BucketSums, payroll: boolean, planned = false): RpFigures {
  const d = sums.departments.get(dept.id) ?? emptyDeptSums();
  const p = sums.property;
  const paid = d.productiveHours + d.nonProductiveHours;
  const volume = driverVolume(dept, d, p);
  const output = volume ?? d.revenue;
  const earned = earnedHours(volume, dept.standardHoursPerUnit);
  const rooms = dept.usaliDepartment === 'rooms';
  return finish(
    {
      revenue: money(d.revenue),
      roomsSold: dept.driver === 'roomsSold' ? p.roomsSold : null,
      covers: d.covers,
      guests: dept.driver === 'guests' ? p.guests : null,
      ...bookingFigures(dept.usaliDepartment === 'fnb' && !planned ? d.bookings : null),
      productiveHours: d.productiveHours,
      nonProductiveHours: d.nonProductiveHours,
      paidHours: paid,
      labourCost: d.labourCost,
      output,
      productivityTotal: productivity(output, paid),
      productivityOperational: productivity(output, d.productiveHours),
      revPOLU: null,
      revenuePerLabourHour: revenuePerLabourHour(d.revenue, paid),
      labourCostPct: labourCostPct(d.labourCost, d.revenue),
      hpor: rooms ? hpor(paid, p.roomsSold) : null,
      mpor: dept.housekeeping ? mpor(paid, p.roomsSold) : null,
      coversPerLabourHour: dept.usaliDepartment === 'fnb' ? coversPerLabourHour(d.covers, paid) : null,
      earnedHours: earned,
      productivityIndex: productivityIndex(earned, d.productiveHours),
      hoursVariance: hoursVariance(d.productiveHours, earned),
      dataDays: d.dates.size,
    },
    payroll,
  );
}

/**
 * The sums a property total's figures are ratios of. They add up over properties: a portfolio
 * total adds them (addTotalInputs) and takes the ratios of the sums, never the mean of the ratios.
 */
export interface TotalInputs {
  revenue: number;
  profitCentreRevenue: number;
  roomsSold: number;
  guests: number;
  /** null when no F&B department can hold reservations (or in a plan). */
  bookings: Bookings | null;
  covers: number;
  productive: number;
  nonProductive: number;
  labourCost: number;
  housekeepingHours: number;
  fnbHours: number;
  /** Whether any department is a housekeeping one (MPOR applies). */
  housekeeping: boolean;
  /** Earned hours of the departments with a standard; null when none has one. */
  earned: number | null;
  /** Productive hours of the departments with a standard (what earned hours are compared with). */
  earnedActual: number;
  /** Dates with data; a portfolio total keys them by property too, so they count property-days. */
  dates: Set<string>;
}

/**
 * The inputs of a property total: the rooms revenue (PMS/RMS and AMS combined day by day, which
 * includes the rooms departments' own revenue), plus the revenue of every other department.
 */
export function totalInputs(departments: readonly DepartmentInfo[], sums: BucketSums, planned = false): TotalInputs {
  const p = sums.property;
  const out: TotalInputs = {
    revenue: p.roomsRevenue,
    profitCentreRevenue: p.roomsRevenue,
    roomsSold: p.roomsSold,
    guests: p.guests,
    bookings: departments.some((d) => d.usaliDepartment === 'fnb') && !planned ? emptyBookings() : null,
    covers: 0,
    productive: 0,
    nonProductive: 0,
    labourCost: 0,
    housekeepingHours: 0,
    fnbHours: 0,
    housekeeping: departments.some((d) => d.housekeeping),
    earned: null,
    earnedActual: 0,
    dates: new Set(p.dates),
  };
  for (const dept of departments) {
    const d = sums.departments.get(dept.id);
    if (d) {
      if (dept.usaliDepartment !== 'rooms') {
        out.revenue += d.revenue;
        if (PROFIT_CENTRES.has(dept.usaliDepartment)) out.profitCentreRevenue += d.revenue;
      }
      if (out.bookings && dept.usaliDepartment === 'fnb') addBookings(out.bookings, d.bookings);
      out.covers += d.covers;
      out.productive += d.productiveHours;
      out.nonProductive += d.nonProductiveHours;
      out.labourCost += d.labourCost;
      const paid = d.productiveHours + d.nonProductiveHours;
      if (dept.housekeeping) out.housekeepingHours += paid;
      if (dept.usaliDepartment === 'fnb') out.fnbHours += paid;
      for (const date of d.dates) out.dates.add(date);
    }
    const earned = earnedHours(driverVolume(dept, d ?? emptyDeptSums(), p), dept.standardHoursPerUnit);
    if (earned !== null) {
      out.earned = (out.earned ?? 0) + earned;
      out.earnedActual += d?.productiveHours ?? 0;
    }
  }
  return out;
}

/** `into` += `part`, every sum; `dateKey` renames the part's dates (a portfolio keys them by property). */
export function addTotalInputs(into: TotalInputs, part: TotalInputs, dateKey: (date: string) => string = (d) => d): void {
  for (const k of ['revenue', 'profitCentreRevenue', 'roomsSold', 'guests', 'covers', 'productive', 'nonProductive', 'labourCost', 'housekeepingHours', 'fnbHours', 'earnedActual'] as const) into[k] += part[k];
  if (part.bookings) addBookings((into.bookings ??= emptyBookings()), part.bookings);
  if (part.earned !== null) into.earned = (into.earned ?? 0) + part.earned;
  if (part.housekeeping) into.housekeeping = true;
  for (const date of part.dates) into.dates.add(dateKey(date));
}

/** Empty inputs, to add properties' inputs into. */
export function emptyTotalInputs(): TotalInputs {
  return { revenue: 0, profitCentreRevenue: 0, roomsSold: 0, guests: 0, bookings: null, covers: 0, productive: 0, nonProductive: 0, labourCost: 0, housekeepingHours: 0, fnbHours: 0, housekeeping: false, earned: null, earnedActual: 0, dates: new Set() };
}

/** The figures of a total from its inputs: every ratio from the sums. */
export function figuresOfTotal(i: TotalInputs, payroll: boolean): RpFigures {
  const paid = i.productive + i.nonProductive;
  return finish(
    {
      revenue: money(i.revenue),
      roomsSold: i.roomsSold,
      covers: i.covers,
      guests: i.guests,
      ...bookingFigures(i.bookings),
      productiveHours: i.productive,
      nonProductiveHours: i.nonProductive,
      paidHours: paid,
      labourCost: i.labourCost,
      output: i.revenue,
      productivityTotal: productivity(i.revenue, paid),
      productivityOperational: productivity(i.revenue, i.productive),
      revPOLU: revPolu(i.profitCentreRevenue, paid),
      revenuePerLabourHour: revenuePerLabourHour(i.revenue, paid),
      labourCostPct: labourCostPct(i.labourCost, i.revenue),
      hpor: hpor(paid, i.roomsSold),
      mpor: i.housekeeping ? mpor(i.housekeepingHours, i.roomsSold) : null,
      coversPerLabourHour: coversPerLabourHour(i.covers, i.fnbHours),
      earnedHours: i.earned,
      productivityIndex: productivityIndex(i.earned, i.earnedActual),
      hoursVariance: hoursVariance(i.earnedActual, i.earned),
      dataDays: i.dates.size,
    },
    payroll,
  );
}

/** R&P figures of a property total (totalInputs → figuresOfTotal). */
export function totalFigures(departments: readonly DepartmentInfo[], sums: BucketSums, payroll: boolean, planned = false): RpFigures {
  return figuresOfTotal(totalInputs(departments, sums, planned), payroll);
}

/** actual − comparison for every figure both sides have (null when either side is null). */
export function figuresVariance(actual: RpFigures, comparison: RpFigures): Partial<Record<RpFigureKey, number | null>> {
  const out: Partial<Record<RpFigureKey, number | null>> = {};
  for (const k of RP_FIGURE_KEYS) {
    if (k === 'dataDays' || !(k in actual) || !(k in comparison)) continue;
    const a = actual[k];
    const c = comparison[k];
    out[k] = typeof a === 'number' && typeof c === 'number' ? round(a - c, 4) : null;
  }
  return out;
}
