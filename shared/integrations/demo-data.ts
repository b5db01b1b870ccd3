import type { SourceType } from './formats/index.js';
import type { UsaliLine } from './measures.js';

/**
 * A realistic, deterministic year of source-system data for a demo property: seasonality and
 * weekday patterns, late and future dates, cancellations, leave, budgets and forecasts. The seed
 * script sends it through the real webhook endpoint; tests take small slices of it.
 */

export interface DemoDepartment {
  code: string;
  usaliDepartment: string;
}

export interface DemoProperty {
  /** Seeds the random generator: the same key gives the same data. */
  key: string;
  roomsAvailable: number;
  departments: DemoDepartment[];
}

export interface DemoOptions {
  /** The day of the run (YYYY-MM-DD): earlier days get actuals, later ones on-the-books and forecasts. */
  today: string;
  /** Days of history before today (default 365). */
  historyDays?: number;
  /** Days ahead for on-the-books, forecasts and reservations (default 120). */
  aheadDays?: number;
}

export interface DemoBatch {
  sourceType: SourceType;
  /** e.g. `pos 2026-03` */
  label: string;
  records: Array<Record<string, unknown>>;
}

function hashSeed(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** mulberry32: small, fast and good enough for demo figures. */
export function prng(seed: string): () => number {
  let a = hashSeed(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
const round2 = (v: number) => Math.round(v * 100) / 100;

function days(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => iso(start + i * DAY));
}

function addDays(date: string, n: number): string {
  return iso(Date.parse(`${date}T00:00:00Z`) + n * DAY);
}

/** Occupancy of a day: summer peak, weekend lift, some noise. */
function occupancy(date: string, rnd: () => number): number {
  const d = new Date(`${date}T00:00:00Z`);
  const doy = (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY;
  const season = Math.sin((2 * Math.PI * (doy - 100)) / 365);
  const weekday = d.getUTCDay();
  const weekend = weekday === 5 || weekday === 6 ? 0.08 : weekday === 0 ? -0.06 : 0;
  return Math.min(0.98, Math.max(0.3, 0.7 + 0.16 * season + weekend + (rnd() - 0.5) * 0.08));
}

function seasonFactor(date: string): number {
  const d = new Date(`${date}T00:00:00Z`);
  const doy = (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY;
  return Math.sin((2 * Math.PI * (doy - 100)) / 365);
}

/** The GL chart of the demo ledger and the USALI line of each account (the AMS integration's mapping). */
export function demoAccounts(departments: DemoDepartment[]): Record<string, UsaliLine> {
  const out: Record<string, UsaliLine> = {};
  for (const d of departments) {
    if (isOperated(d)) {
      out[`4000-${d.code}`] = 'revenue';
      out[`6000-${d.code}`] = 'payrollAndRelated';
      out[`7000-${d.code}`] = 'otherExpenses';
      if (d.usaliDepartment === 'fnb') out[`5000-${d.code}`] = 'costOfSales';
    }
  }
  Object.assign(out, {
    '8100': 'administrativeAndGeneral',
    '8200': 'informationAndTelecommunications',
    '8300': 'salesAndMarketing',
    '8400': 'propertyOperationAndMaintenance',
    '8500': 'utilities',
    '8600': 'managementFees',
    '8700': 'nonOperatingExpenses',
    '8800': 'replacementReserve',
  } satisfies Record<string, UsaliLine>);
  return out;
}

function isOperated(d: DemoDepartment): boolean {
  return ['rooms', 'fnb', 'other_operated'].includes(d.usaliDepartment) && d.code !== 'HK';
}

function staffPerDay(d: DemoDepartment, roomsSold: number, covers: number): number {
  if (d.code === 'HK') return Math.max(2, Math.ceil((roomsSold * 0.45) / 8));
  if (d.usaliDepartment === 'rooms') return Math.max(2, Math.ceil(roomsSold / 45));
  if (d.usaliDepartment === 'fnb') return Math.max(3, Math.ceil(covers / 28));
  return 2;
}

interface Day {
  date: string;
  roomsSold: number;
  roomRevenue: number;
  covers: Map<string, number>;
  fnbRevenue: Map<string, number>;
}

/** Every batch of demo data for one property, grouped per source type and month. */
export function demoBatches(p: DemoProperty, options: DemoOptions): DemoBatch[] {
  const historyDays = options.historyDays ?? 365;
  const aheadDays = options.aheadDays ?? 120;
  const rnd = prng(p.key);
  const fnb = p.departments.filter((d) => d.usaliDepartment === 'fnb');
  const past = days(addDays(options.today, -historyDays), historyDays);
  const future = days(options.today, aheadDays);
  const records = new Map<string, DemoBatch>();
  const push = (sourceType: SourceType, date: string, record: Record<string, unknown>) => {
    const label = `${sourceType} ${date.slice(0, 7)}`;
    const batch = records.get(label) ?? { sourceType, label, records: [] };
    batch.records.push(record);
    records.set(label, batch);
  };
  const prefix = p.key.replace(/[^A-Za-z0-9]/g, '').slice(0, 3).toUpperCase() || 'DMO';

  const history: Day[] = [];
  for (const date of past) {
    const occ = occupancy(date, rnd);
    const ooo = Math.floor(rnd() * 3);
    const sold = Math.round((p.roomsAvailable - ooo) * occ);
    const comp = Math.floor(rnd() * 3);
    const adr = 135 + 45 * seasonFactor(date) + (rnd() - 0.5) * 12;
    const roomRevenue = round2(sold * adr);
    const guests = Math.round(sold * (1.5 + rnd() * 0.3));
    push('pms', date, {
      id: `D-${date}`,
      date,
      roomsAvailable: p.roomsAvailable,
      outOfOrder: ooo,
      roomsSold: sold,
      complimentary: comp,
      roomRevenue,
      guests,
      arrivals: Math.round(sold * (0.3 + rnd() * 0.1)),
      departures: Math.round(sold * (0.3 + rnd() * 0.1)),
    });
    const day: Day = { date, roomsSold: sold, roomRevenue, covers: new Map(), fnbRevenue: new Map() };
    for (const [i, d] of fnb.entries()) {
      const covers = Math.max(0, Math.round(guests * (i === 0 ? 0.55 : 0.3) + (rnd() - 0.5) * 20));
      const check = (i === 0 ? 36 : 18) + (rnd() - 0.5) * 6;
      const net = round2(covers * check);
      day.covers.set(d.code, covers);
      day.fnbRevenue.set(d.code, net);
      push('pos', date, {
        id: `Z-${date}-${d.code}`,
        businessDate: date,
        outlet: d.code,
        netRevenue: net,
        tax: round2(net * 0.1),
        discounts: round2(net * 0.02 * rnd()),
        covers,
        checks: Math.max(0, Math.round(covers * (0.4 + rnd() * 0.1))),
      });
    }
    history.push(day);
  }
  // A few late corrections: yesterday's figures re-sent with a changed value (same record ids).
  for (const day of history.slice(-7)) {
    const code = fnb[0]?.code;
    if (!code || rnd() > 0.5) continue;
    const covers = day.covers.get(code) ?? 0;
    push('pos', day.date, { id: `Z-${day.date}-${code}`, businessDate: day.date, outlet: code, netRevenue: round2((day.fnbRevenue.get(code) ?? 0) * 1.01), covers, checks: Math.round(covers * 0.45) });
  }

  // Time records: shifts per department and day, paid leave now and then.
  const rates = new Map<string, number>();
  for (const day of history) {
    const totalCovers = [...day.covers.values()].reduce((a, b) => a + b, 0);
    for (const d of p.departments) {
      const staff = staffPerDay(d, day.roomsSold, totalCovers);
      for (let i = 0; i < staff; i++) {
        const employee = `${prefix}${d.code}${String((i + hashSeed(day.date) % 3) % (staff + 3)).padStart(3, '0')}`;
        const rate = rates.get(employee) ?? round2(18 + rnd() * 14);
        rates.set(employee, rate);
        const leave = rnd() < 0.06;
        const productive = leave ? 0 : round2(7 + rnd() * 1.5);
        const nonProductive = leave ? 8 : rnd() < 0.1 ? 0.5 : 0;
        push('tms', day.date, {
          id: `T-${day.date}-${d.code}-${i}`,
          employeeNumber: employee,
          department: d.code,
          date: day.date,
          productiveHours: productive,
          nonProductiveHours: nonProductive,
          labourCost: round2((productive + nonProductive) * rate * 1.28),
        });
      }
    }
  }

  // Reservations: the first F&B outlet through the F&B reservation system, the others through the table system.
  let reservation = 1000;
  for (const date of [...past.slice(-120), ...future.slice(0, 45)]) {
    for (const [i, d] of fnb.entries()) {
      const count = 4 + Math.floor(rnd() * 8);
      for (let k = 0; k < count; k++) {
        const upcoming = date >= options.today;
        const r = rnd();
        const status = upcoming ? (r < 0.08 ? 'cancelled' : 'confirmed') : r < 0.06 ? 'cancelled' : r < 0.1 ? 'noShow' : 'completed';
        push(i === 0 ? 'frs' : 'trs', date, {
          id: `R-${++reservation}`,
          date,
          outlet: d.code,
          covers: 1 + Math.floor(rnd() * 6),
          status,
          channel: ['web', 'phone', 'walk-in', 'concierge'][Math.floor(rnd() * 4)] as string,
          time: `${18 + Math.floor(rnd() * 4)}:${rnd() < 0.5 ? '00' : '30'}`,
        });
      }
    }
  }

  // On the books and forecasts for the coming days.
  for (const [i, date] of future.entries()) {
    const occ = occupancy(date, rnd);
    const pickup = Math.max(0.15, 1 - i / (aheadDays * 1.1));
    const otb = Math.round(p.roomsAvailable * occ * pickup);
    const adr = 140 + 45 * seasonFactor(date);
    push('pms', date, { id: `OTB-${date}`, date, kind: 'onTheBooks', roomsAvailable: p.roomsAvailable, roomsSold: otb, roomRevenue: round2(otb * adr) });
    const rooms = Math.round(p.roomsAvailable * occ);
    push('rms', date, { id: `F-${date}`, date, rooms, adr: round2(adr), roomRevenue: round2(rooms * adr) });
  }

  // Events and groups, about two a week, in the banqueting (first F&B) department.
  const banquets = fnb[0]?.code;
  if (banquets) {
    let event = 3000;
    for (const date of [...past, ...future.slice(0, 90)]) {
      if (rnd() > 0.28) continue;
      const attendees = 20 + Math.floor(rnd() * 180);
      push('snc', date, {
        id: `EV-${++event}`,
        date,
        department: banquets,
        status: rnd() < 0.1 ? 'tentative' : 'definite',
        foodAndBeverageRevenue: round2(attendees * (55 + rnd() * 40)),
        roomRentalRevenue: round2(rnd() < 0.6 ? 500 + rnd() * 2500 : 0),
        attendees,
        groupRooms: rnd() < 0.4 ? Math.floor(rnd() * 40) : 0,
      });
    }
  }

  // Accounting: monthly trial-balance lines (actual) for closed months, budget for every month, forecast for open ones.
  const months = new Set(past.map((d) => d.slice(0, 7)));
  const currentMonth = options.today.slice(0, 7);
  for (const m of [...future.map((d) => d.slice(0, 7))]) months.add(m);
  for (const month of [...months].sort()) {
    const monthDays = history.filter((d) => d.date.startsWith(month));
    const closed = month < currentMonth && monthDays.length > 0;
    const revenueOf = (d: DemoDepartment) =>
      d.usaliDepartment === 'rooms'
        ? monthDays.reduce((a, x) => a + x.roomRevenue, 0) || p.roomsAvailable * 0.7 * 140 * 30
        : monthDays.reduce((a, x) => a + (x.fnbRevenue.get(d.code) ?? 0), 0) || p.roomsAvailable * 30 * 25;
    const kinds: Array<'actual' | 'budget' | 'forecast'> = closed ? ['actual', 'budget'] : ['budget', 'forecast'];
    for (const kind of kinds) {
      const factor = kind === 'actual' ? 1 : kind === 'budget' ? 0.97 + rnd() * 0.06 : 0.98 + rnd() * 0.04;
      const line = (account: string, amount: number, department?: string) =>
        push('ams', `${month}-01`, { id: `${kind}-${month}-${account}${department ? `-${department}` : ''}`, period: month, account, ...(department ? { department } : {}), amount: round2(amount * factor), kind });
      let total = 0;
      for (const d of p.departments.filter(isOperated)) {
        const revenue = revenueOf(d);
        total += revenue;
        line(`4000-${d.code}`, revenue, d.code);
        line(`6000-${d.code}`, revenue * (d.usaliDepartment === 'rooms' ? 0.18 : 0.32), d.code);
        line(`7000-${d.code}`, revenue * 0.08, d.code);
        if (d.usaliDepartment === 'fnb') line(`5000-${d.code}`, revenue * 0.29, d.code);
      }
      line('8100', total * 0.08);
      line('8200', total * 0.015);
      line('8300', total * 0.06);
      line('8400', total * 0.04);
      line('8500', total * 0.035);
      line('8600', total * 0.03);
      line('8700', total * 0.025);
      line('8800', total * 0.04);
    }
  }
  return [...records.values()].sort((a, b) => a.label.localeCompare(b.label));
}
