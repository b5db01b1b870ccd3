import { readFileSync } from 'node:fs';
import { READY_MAPPINGS } from '../../../shared/files/mappings/index.js';
import { parseAll } from './helpers.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/files/${name}`, import.meta.url));

/** The sample's rows as plain strings: the expectations are worked out from these, not by the parsers. */
function table(text: string, delimiter: string): Array<Record<string, string>> {
  const [head, ...rows] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = (head ?? '').split(delimiter);
  return rows.map((line) => Object.fromEntries(line.split(delimiter).map((v, i) => [names[i], v.replace(/^"|"$/g, '')])));
}
// Latin-1 reads Windows-1252's € (0x80) as U+0080.
const germanNumber = (s: string) => Number(s.replace(/[€\u0080\s]/g, '').replace(/\./g, '').replace(',', '.'));
const cents = (n: number) => Math.round(n * 100) / 100;

describe('ready-made mappings against their sample files', () => {
  it('opera-tsa03: one PMS record per business date, the room types added up', async () => {
    const rows = table(fixture('opera-tsa03.csv').toString('utf8'), ',');
    const byDate = new Map<string, { rooms: number; ooo: number; sold: number; guests: number; revenue: number }>();
    for (const r of rows) {
      const [d, m, y] = (r.BUSINESS_DATE ?? '').split('-');
      const date = `20${y}-${m}-${d}`;
      const t = byDate.get(date) ?? { rooms: 0, ooo: 0, sold: 0, guests: 0, revenue: 0 };
      t.rooms += Number(r.EXISTING_ROOM);
      t.ooo += Number(r.OO_ROOM);
      t.sold += Number(r.NO_OF_DEFINITE_ROOM);
      t.guests += Number(r.NO_OF_GUESTS);
      t.revenue += Number(r.TOTAL_ROOM_REVENUE);
      byDate.set(date, t);
    }
    expect(byDate.size).toBe(2);
    const { records, errors } = await parseAll(fixture('opera-tsa03.csv'), 'text/csv', READY_MAPPINGS['opera-tsa03'].parsed);
    expect(errors).toEqual([]);
    expect(records).toEqual(
      [...byDate].map(([date, t]) => ({
        id: `opera-tsa03:${date}`,
        date,
        kind: 'actual',
        roomsAvailable: t.rooms,
        outOfOrder: t.ooo,
        roomsSold: t.sold,
        complimentary: 0,
        roomRevenue: cents(t.revenue),
        guests: t.guests,
        arrivals: 0,
        departures: 0,
      })),
    );
  });

  it("opera-tsa04: one PMS record per business date from the room classes; complimentary and house-use rooms are occupied, not sold", async () => {
    const rows = table(fixture('opera-tsa04.csv').toString('utf8'), ',');
    const sum = (column: string) => rows.reduce((n, r) => n + Number(r[column]), 0);
    const [d, m, y] = (rows[0]?.BUSINESS_DATE ?? '').split('-');
    const date = `20${y}-${m}-${d}`;
    const { records, errors } = await parseAll(fixture('opera-tsa04.csv'), 'text/csv', READY_MAPPINGS['opera-tsa04'].parsed);
    expect(errors).toEqual([]);
    expect(records).toEqual([
      {
        id: `opera-tsa04:${date}`,
        date,
        kind: 'actual',
        roomsAvailable: sum('AVAIL_ROOM'),
        outOfOrder: sum('OOO_ROOMS'),
        roomsSold: sum('OCC_ROOM') - sum('COMP_ROOM') - sum('HOUSE_USE_ROOM'),
        complimentary: sum('COMP_ROOM'),
        roomRevenue: cents(sum('ROOM_REVENUE')),
        guests: 0,
        arrivals: sum('ARRIVAL_ROOM'),
        departures: 0,
      },
    ]);
  });

  it('opera-gdpdu-revenue: net revenue per posting date and transaction code, payments and paid-outs left out', async () => {
    const rows = table(fixture('opera-gdpdu-revenue.csv').toString('utf8'), ';').filter((r) => r.FLAG === '01');
    const sums = new Map<string, number>();
    for (const r of rows) {
      const [d, m, y] = (r.POST_DATE ?? '').split('.');
      const key = `${y}-${m}-${d}|${r.TRX_CODE}`;
      sums.set(key, (sums.get(key) ?? 0) + germanNumber(r.NET_AMT ?? ''));
    }
    const { records, errors } = await parseAll(fixture('opera-gdpdu-revenue.csv'), 'text/csv', READY_MAPPINGS['opera-gdpdu-revenue'].parsed);
    expect(errors).toEqual([]);
    expect(records).toEqual(
      [...sums].map(([key, amount]) => {
        const [date, account] = key.split('|');
        return { id: `opera-gdpdu2:${date}:${account}`, date, account, amount: cents(amount), kind: 'actual' };
      }),
    );
    // The correction line of 4 March nets off the day's Logis revenue.
    expect(records.find((r) => r.id === 'opera-gdpdu2:2025-03-04:1000')?.amount).toBe(16178.18);
  });

  it('protel-hstat: Windows-1252, decimal comma, € amounts; complimentary rooms are not sold; the totals row is left out', async () => {
    const rows = table(fixture('protel-hstat.csv').toString('latin1'), ';').filter((r) => r.Datum !== 'Summe');
    const { records, errors } = await parseAll(fixture('protel-hstat.csv'), 'text/csv', READY_MAPPINGS['protel-hstat'].parsed);
    expect(errors).toEqual([]);
    expect(records).toEqual(
      rows.map((r) => {
        const [d, m, y] = (r.Datum ?? '').split('.');
        const date = `${y}-${m}-${d}`;
        return {
          id: `protel-hstat:${date}`,
          date,
          roomsAvailable: Number(r['Zimmer gesamt']),
          outOfOrder: Number(r['Zimmer au\u00dfer Betrieb']),
          roomsSold: Number(r['Zimmer belegt']) - Number(r['Zimmer gratis']),
          complimentary: Number(r['Zimmer gratis']),
          roomRevenue: germanNumber(r.Logisumsatz ?? ''),
          guests: Number(r.Personen),
          arrivals: Number(r.Anreisen),
          departures: Number(r.Abreisen),
        };
      }),
    );
  });

  it('protel-revenue-xml: net revenue per revenue code on the business date of the root element', async () => {
    const xml = fixture('protel-revenue.xml').toString('utf8');
    const date = /<revenue[^>]* date="([^"]+)"/.exec(xml)?.[1];
    const sums = new Map<string, number>();
    for (const m of xml.matchAll(/<code>([^<]+)<\/code>[\s\S]*?<net>([^<]+)<\/net>/g)) sums.set(m[1] as string, (sums.get(m[1] as string) ?? 0) + Number(m[2]));
    const { records, errors } = await parseAll(fixture('protel-revenue.xml'), 'application/xml', READY_MAPPINGS['protel-revenue-xml'].parsed);
    expect(errors).toEqual([]);
    expect(records).toEqual([...sums].map(([account, amount]) => ({ id: `protel-rev:${date}:${account}`, date, account, amount: cents(amount), kind: 'actual' })));
  });
});
