import type { SourceType } from './formats/index.js';
import type { UsaliLine } from './measures.js';

/**
 * A realistic, deterministic year of source-system data for a demo property: seasonality and
 * weekday patterns, late and future dates, cancellations, leave, budgets and forecasts, GoGreen
 * meter readings and published shifts. The seed
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
  const punches: Punch[] = [];
  for (const day of history) {
    const totalCovers = [...day.covers.values()].reduce((a, b) => a + b, 0);
    for (const d of p.departments) {
      const staff = staffPerDay(d, day.roomsSold, totalCovers);
      for (let i = 0; i < staff; i++) {
        const employee = employeeOf(prefix, d.code, i, staff, day.date);
        const rate = rates.get(employee) ?? round2(18 + rnd() * 14);
        rates.set(employee, rate);
        const leave = rnd() < 0.06;
        const productive = leave ? 0 : round2(7 + rnd() * 1.5);
        const nonProductive = leave ? 8 : rnd() < 0.1 ? 0.5 : 0;
        if (!leave) punches.push({ date: day.date, department: d, index: i, employee });
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
  const forecastRooms = new Map<string, number>();
  for (const [i, date] of future.entries()) {
    const occ = occupancy(date, rnd);
    const pickup = Math.max(0.15, 1 - i / (aheadDays * 1.1));
    const otb = Math.round(p.roomsAvailable * occ * pickup);
    const adr = 140 + 45 * seasonFactor(date);
    push('pms', date, { id: `OTB-${date}`, date, kind: 'onTheBooks', roomsAvailable: p.roomsAvailable, roomsSold: otb, roomRevenue: round2(otb * adr) });
    const rooms = Math.round(p.roomsAvailable * occ);
    forecastRooms.set(date, rooms);
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
  // GoGreen readings and published shifts draw on their own generators, so adding them left every
  // figure above as it was for the same key.
  utilityReadings(p, history, options.today, push);
  const ahead = future.slice(0, SCHEDULE_AHEAD_DAYS).map((date) => ({ date, rooms: forecastRooms.get(date) ?? 0 }));
  publishedShifts(p, punches.filter((x) => x.date >= addDays(options.today, -SCHEDULE_HISTORY_DAYS)), ahead, prefix, push);
  return [...records.values()].sort((a, b) => a.label.localeCompare(b.label));
}

type Push = (sourceType: SourceType, date: string, record: Record<string, unknown>) => void;

/** A worked day of an employee in the time records (leave days are not worked). */
interface Punch {
  date: string;
  department: DemoDepartment;
  index: number;
  employee: string;
}

/** The demo employee numbers: a small pool per department, rotating by day, the same for punches and shifts. */
function employeeOf(prefix: string, code: string, i: number, staff: number, date: string): string {
  return `${prefix}${code}${String((i + (hashSeed(date) % 3)) % (staff + 3)).padStart(3, '0')}`;
}

/**
 * Daily meter readings (grid electricity, natural gas, mains water) and monthly figures (waste by
 * stream, laundry, refrigerant top-ups) following the PMS occupancy. Magnitudes are those of typical
 * full-service hotels: the Cornell Hotel Sustainability Benchmarking index puts such hotels at
 * roughly 60–100 kWh of energy and 0.6–1 m³ of water per occupied room night, split here into a
 * base load per available room (common areas, kitchens, pools) and a share per occupied room, with
 * more electricity in summer (cooling) and more gas in winter (heating). Hotel waste studies give
 * 1.5–2.5 kg per occupied room night (about half to landfill); linen and towels 3.5–5 kg; a
 * refrigerant circuit leaks a few kg a year, topped up at its twice-yearly service.
 */
function utilityReadings(p: DemoProperty, history: readonly Day[], today: string, push: Push): void {
  const rnd = prng(`${p.key}|utility`);
  const noise = (spread: number) => 1 + (rnd() - 0.5) * spread;
  // A UK-style gas bill: m³ with its calorific value (MJ/m³, gross); kWh = m³ × CV / 3.6.
  const calorificValue = 39.5;
  for (const day of history) {
    const season = seasonFactor(day.date);
    const electricity = (12 * p.roomsAvailable + 28 * day.roomsSold) * (1 + 0.15 * Math.max(0, season)) * noise(0.1);
    const gasKwh = (4 * p.roomsAvailable + 15 * day.roomsSold + 20 * p.roomsAvailable * Math.max(0, -season)) * noise(0.1);
    const water = (0.15 * p.roomsAvailable + 0.55 * day.roomsSold) * noise(0.12);
    push('utility', day.date, { id: `EL-MAIN-${day.date}`, date: day.date, resource: 'electricity', quantity: round2(electricity), unit: 'kWh', meter: 'EL-MAIN' });
    push('utility', day.date, { id: `GAS-${day.date}`, date: day.date, resource: 'naturalGas', quantity: round2((gasKwh * 3.6) / calorificValue), unit: 'm3', calorificValue, meter: 'GAS-1' });
    push('utility', day.date, { id: `WAT-${day.date}`, date: day.date, resource: 'water', quantity: round2(water), unit: 'm3', meter: 'WAT-1' });
  }
  // Monthly figures for the months the history covers whole and that are over.
  const first = history[0]?.date;
  const serviceMonths = new Set([hashSeed(p.key) % 6, (hashSeed(p.key) % 6) + 6]);
  const months = [...new Set(history.map((d) => d.date.slice(0, 7)))].filter((m) => first !== undefined && `${m}-01` >= first && m < today.slice(0, 7));
  for (const month of months) {
    const nights = history.filter((d) => d.date.startsWith(month)).reduce((a, d) => a + d.roomsSold, 0);
    const date = `${month}-01`;
    const waste = 1.8 * nights * noise(0.15);
    const streams = { landfill: 0.48, recycled: 0.34, composted: 0.15, incinerated: 0.03 };
    for (const [stream, share] of Object.entries(streams)) {
      push('utility', date, { id: `WASTE-${stream.toUpperCase()}-${month}`, period: month, resource: 'waste', stream, quantity: round2(waste * share), unit: 'kg' });
    }
    push('utility', date, { id: `LAUNDRY-${month}`, period: month, resource: 'laundry', quantity: round2(4.2 * nights * noise(0.1)), unit: 'kg' });
    if (serviceMonths.has(Number(month.slice(5)) - 1)) {
      push('utility', date, { id: `REFRIG-${month}`, period: month, resource: 'refrigerant', gas: 'R-410A', quantity: round2(2 + rnd() * 5), unit: 'kg' });
    }
  }
}

/** Published shifts: the past weeks (to compare with the time records) and the coming days. */
const SCHEDULE_HISTORY_DAYS = 56;
const SCHEDULE_AHEAD_DAYS = 14;

/** When a department's shifts start (property wall clock, minutes after midnight): early and late for front office and F&B. */
function shiftStart(d: DemoDepartment, index: number): number {
  if (d.code === 'HK') return 8 * 60;
  if (d.usaliDepartment === 'rooms') return index % 2 === 0 ? 7 * 60 : 15 * 60;
  if (d.usaliDepartment === 'fnb') return index % 2 === 0 ? 6 * 60 + 30 : 15 * 60 + 30;
  return 9 * 60;
}

const wallClock = (date: string, minutes: number) => new Date(Date.parse(`${date}T00:00:00Z`) + minutes * 60_000).toISOString().slice(0, 16);

/**
 * A shift per worked punch of the past weeks (the plan the punch worked: standard lengths, so
 * scheduled and worked hours are close but not equal), and for the coming days the staffing the
 * forecast occupancy calls for, with the time records' employee pool.
 */
function publishedShifts(p: DemoProperty, punches: readonly Punch[], ahead: ReadonlyArray<{ date: string; rooms: number }>, prefix: string, push: Push): void {
  const rnd = prng(`${p.key}|schedules`);
  const fnb = p.departments.filter((d) => d.usaliDepartment === 'fnb');
  const shift = (date: string, d: DemoDepartment, index: number, employee: string) => {
    const paidHours = [8, 8, 8, 7.5, 6][Math.floor(rnd() * 5)] as number;
    const start = shiftStart(d, index);
    push('schedules', date, {
      id: `S-${date}-${d.code}-${index}`,
      employeeNumber: employee,
      department: d.code,
      start: wallClock(date, start),
      end: wallClock(date, start + paidHours * 60 + 30),
      unpaidBreakMinutes: 30,
    });
  };
  for (const x of punches) shift(x.date, x.department, x.index, x.employee);
  for (const { date, rooms } of ahead) {
    const covers = fnb.reduce((a, _, i) => a + rooms * 1.6 * (i === 0 ? 0.55 : 0.3), 0);
    for (const d of p.departments) {
      const staff = staffPerDay(d, rooms, covers);
      for (let i = 0; i < staff; i++) shift(date, d, i, employeeOf(prefix, d.code, i, staff, date));
    }
  }
}
