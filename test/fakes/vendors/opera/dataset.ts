/**
 * The fake OHIP hotel: one property seeded from the values in Oracle's examples (hotel HOTEL1, room
 * types STD and CSTND of the getInventoryStatistics example) and extended deterministically: every
 * business date's figures are a function of the date, so two servers built alike hold the same data
 * and a test can compute what the connector must produce from `day()` and `postingsOf()` alone.
 */

export const HOTEL_ID = 'HOTEL1';
export const ROOM_TYPES = [
  { code: 'STD', description: 'Standard Room', statCodeClass: 'ALL' },
  { code: 'CSTND', description: 'Component Room - Standard', statCodeClass: 'STDCOMP' },
] as const;
export const PHYSICAL_ROOMS = 120;
export const CURRENCY = 'EUR';

/** Transaction codes of the hotel with their groups (OPERA's own grouping, mapped by the integration); `roomRevenue`: in OPERA's room revenue codes. */
export const TRANSACTION_CODES = [
  { transactionCode: '1000', transactionGroup: 'ROOM', transactionSubGroup: 'ACCOM', description: 'Accommodation', type: 'Revenue', roomRevenue: true },
  { transactionCode: '2000', transactionGroup: 'FB', transactionSubGroup: 'FOOD', description: 'Restaurant food', type: 'Revenue' },
  { transactionCode: '2100', transactionGroup: 'FB', transactionSubGroup: 'BEV', description: 'Bar beverages', type: 'Revenue' },
  { transactionCode: '3000', transactionGroup: 'SPA', transactionSubGroup: 'SPA', description: 'Spa treatments', type: 'Revenue' },
  { transactionCode: '9000', transactionGroup: 'PAY', transactionSubGroup: 'CARD', description: 'Credit card payment', type: 'Payment' },
] as const;

export interface DayFigures {
  date: string;
  physicalRooms: number;
  ooRooms: number;
  osRooms: number;
  roomsSold: number;
  complimentary: number;
  personsInHouse: number;
  arrivals: number;
  departures: number;
  /** Room revenue in cents. */
  roomRevenueCents: number;
  foodRevenueCents: number;
}

export interface Posting {
  transactionNo: number;
  transactionCode: string;
  transactionType: 'Revenue' | 'Payment';
  /** Business date. */
  date: string;
  amountCents: number;
}

/** A stable pseudo-random integer in [min, max] for (date, salt). */
function pick(date: string, salt: string, min: number, max: number): number {
  let h = 2166136261;
  for (const ch of `${salt}:${date}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return min + (h % (max - min + 1));
}

export class OperaDataset {
  /** Postings added after the seed (corrections), by business date. */
  private readonly extra = new Map<string, Posting[]>();
  /** Figures changed after the seed (a late night-audit correction), by business date. */
  private readonly changed = new Map<string, Partial<DayFigures>>();
  private nextTransactionNo = 9_000_000;

  /**
   * @param today the hotel's current business date: statistics exist for every date (history and
   *   on-the-books), postings only for dates before it.
   */
  constructor(readonly today: string) {}

  day(date: string): DayFigures {
    const roomsSold = pick(date, 'sold', 55, 105);
    const adrCents = pick(date, 'adr', 9_000, 16_000);
    // On-the-books dates have no out-of-order rooms yet and fewer persons per room booked.
    const future = date >= this.today;
    const seeded: DayFigures = {
      date,
      physicalRooms: PHYSICAL_ROOMS,
      ooRooms: future ? 0 : pick(date, 'ooo', 0, 4),
      osRooms: pick(date, 'oos', 0, 2),
      roomsSold,
      complimentary: pick(date, 'comp', 0, 3),
      personsInHouse: roomsSold + pick(date, 'persons', 10, 60),
      arrivals: pick(date, 'arr', 15, 45),
      departures: pick(date, 'dep', 15, 45),
      roomRevenueCents: roomsSold * adrCents,
      foodRevenueCents: pick(date, 'food', 150_000, 600_000),
    };
    return { ...seeded, ...this.changed.get(date) };
  }

  /** Changes a date's statistics, as a late correction in OPERA would. */
  correct(date: string, figures: Partial<Omit<DayFigures, 'date'>>): void {
    this.changed.set(date, { ...this.changed.get(date), ...figures });
  }

  /** The postings of a business date: room revenue in one posting per 10 rooms, F&B, spa, payments. */
  postingsOf(date: string): Posting[] {
    if (date >= this.today) return [];
    const d = this.day(date);
    const base = Number(date.replaceAll('-', '')) * 100;
    const out: Posting[] = [];
    let n = 0;
    const add = (transactionCode: string, amountCents: number) => {
      const code = TRANSACTION_CODES.find((c) => c.transactionCode === transactionCode)!;
      out.push({ transactionNo: base + n++, transactionCode, transactionType: code.type, date, amountCents });
    };
    // Room revenue split into chunks whose sum is exactly the day's room revenue.
    const chunks = Math.ceil(d.roomsSold / 10);
    for (let i = 0; i < chunks; i++) add('1000', Math.floor(d.roomRevenueCents / chunks) + (i === 0 ? d.roomRevenueCents % chunks : 0));
    add('2000', d.foodRevenueCents);
    add('2100', pick(date, 'bev', 50_000, 250_000));
    if (pick(date, 'spa?', 0, 2) > 0) add('3000', pick(date, 'spa', 20_000, 90_000));
    add('9000', -pick(date, 'pay', 100_000, 900_000));
    return [...out, ...(this.extra.get(date) ?? [])];
  }

  /** Posts a correction (or any further posting) on a business date, as a cashier would after the fact. */
  post(date: string, transactionCode: string, amountCents: number): Posting {
    const code = TRANSACTION_CODES.find((c) => c.transactionCode === transactionCode);
    if (!code) throw new Error(`unknown transaction code ${transactionCode}`);
    const p: Posting = { transactionNo: this.nextTransactionNo++, transactionCode, transactionType: code.type, date, amountCents };
    this.extra.set(date, [...(this.extra.get(date) ?? []), p]);
    return p;
  }
}
