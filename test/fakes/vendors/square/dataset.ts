import { prng } from '../../../../shared/integrations/demo-data.js';
import { exampleOf } from './spec.js';

/**
 * The fake Square seller's data: the locations of Square's ListLocations example (Grant Park in Los
 * Angeles, Midtown in New York) and the order of its BatchRetrieveOrders example (at location
 * 057P5VYJ4A5X1, which the seller's location list does not show), extended deterministically with
 * a few orders per location and business date: line items from a small menu, line-item discounts,
 * Midtown's business hours past midnight, an additive 10 % tax, a service charge on larger checks, card or cash tenders with tips, covers in
 * the order's metadata or as a zero-priced "Cover" line item, and orders left OPEN, CANCELED, or
 * closed after midnight (which belong to the business day before). Some completed sales are refunded
 * later as Square records it: a return order (its own COMPLETED order, closed when the refund was
 * made, a day or so after the sale) with `returns` — an itemized return of one line, or a custom
 * amount (CUSTOM_AMOUNT) — its `return_amounts`, negative `net_amounts`, and the tender refund in
 * `refunds`; now and then that refund FAILED.
 */

export type Json = Record<string, unknown>;

export interface DatasetOptions {
  /** Business dates with orders, inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
  seed?: string;
}

export interface SquareData {
  locations: Json[];
  orders: Json[];
}

/** The menu: catalog object ids the tests may map to outlets. */
export const MENU = [
  { id: 'VAR-BURGER', name: 'Burger', price: 1850 },
  { id: 'VAR-SALAD', name: 'Salad', price: 1200 },
  { id: 'VAR-WINE', name: 'Glass of wine', price: 950 },
  { id: 'VAR-COFFEE', name: 'Coffee', price: 450 },
  { id: 'VAR-COVER', name: 'Cover', price: 0 },
] as const;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC instant of a local wall time in `timeZone` (hour may exceed 23: the next day), via the zone's offset at that instant. */
export function localToUtc(date: string, hour: number, minute: number, timeZone: string): string {
  const wall = Date.parse(`${date}T00:00:00Z`) + (hour * 60 + minute) * 60_000;
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - t;
  };
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t).toISOString();
}

const money = (amount: number) => ({ amount, currency: 'USD' });

/** One order with Square's computed amounts: line totals = gross − discount + tax; the order's totals their sums plus service charges; tips on the tender. */
function buildOrder(rand: () => number, id: string, locationId: string, closedAt: string, state: string): Json {
  const lines: Json[] = [];
  const discounts: Json[] = [];
  const count = 1 + Math.floor(rand() * 4);
  let gross = 0;
  let tax = 0;
  let disc = 0;
  for (let i = 0; i < count; i++) {
    const item = MENU[Math.floor(rand() * 4)]!;
    const qty = 1 + Math.floor(rand() * 3);
    const lineGross = item.price * qty;
    const uid = `${id}-L${i}`;
    let lineDiscount = 0;
    const applied: Json[] = [];
    if (rand() < 0.25) {
      lineDiscount = Math.round(lineGross * 0.15);
      discounts.push({ uid: `${uid}-D`, name: 'Happy hour', type: 'FIXED_PERCENTAGE', percentage: '15', applied_money: money(lineDiscount), scope: 'LINE_ITEM' });
      applied.push({ uid: `${uid}-AD`, discount_uid: `${uid}-D`, applied_money: money(lineDiscount) });
    }
    const lineTax = Math.round((lineGross - lineDiscount) * 0.1);
    lines.push({
      uid,
      name: item.name,
      quantity: String(qty),
      catalog_object_id: item.id,
      item_type: 'ITEM',
      base_price_money: money(item.price),
      variation_total_price_money: money(lineGross),
      gross_sales_money: money(lineGross),
      applied_taxes: [{ uid: `${uid}-AT`, tax_uid: `${id}-TAX`, applied_money: money(lineTax) }],
      ...(applied.length ? { applied_discounts: applied } : {}),
      total_tax_money: money(lineTax),
      total_discount_money: money(lineDiscount),
      total_money: money(lineGross - lineDiscount + lineTax),
    });
    gross += lineGross;
    tax += lineTax;
    disc += lineDiscount;
  }
  const metadata: Record<string, string> = {};
  const guests = 1 + Math.floor(rand() * 4);
  if (rand() < 0.5) metadata.covers = String(guests);
  else lines.push({ uid: `${id}-COVER`, name: 'Cover', quantity: String(guests), catalog_object_id: 'VAR-COVER', item_type: 'ITEM', base_price_money: money(0), gross_sales_money: money(0), total_tax_money: money(0), total_discount_money: money(0), total_money: money(0) });
  const subtotal = gross - disc;
  const serviceCharges: Json[] = [];
  let service = 0;
  if (subtotal > 6000) {
    service = Math.round(subtotal * 0.12);
    serviceCharges.push({ uid: `${id}-SC`, name: 'Service charge', percentage: '12', applied_money: money(service), total_money: money(service), total_tax_money: money(0), calculation_phase: 'SUBTOTAL_PHASE', taxable: false, type: 'CUSTOM', scope: 'ORDER' });
  }
  const total = subtotal + tax + service;
  const tip = rand() < 0.5 ? Math.round(subtotal * 0.1) : 0;
  const amounts = { total_money: money(total), tax_money: money(tax), discount_money: money(disc), tip_money: money(tip), service_charge_money: money(service) };
  const order: Json = {
    id,
    location_id: locationId,
    source: { name: 'Square Point of Sale' },
    line_items: lines,
    taxes: [{ uid: `${id}-TAX`, name: 'Sales tax', type: 'ADDITIVE', percentage: '10', applied_money: money(tax), scope: 'ORDER' }],
    ...(discounts.length ? { discounts } : {}),
    ...(serviceCharges.length ? { service_charges: serviceCharges } : {}),
    net_amounts: amounts,
    ...(Object.keys(metadata).length ? { metadata } : {}),
    created_at: new Date(Date.parse(closedAt) - 45 * 60_000).toISOString(),
    updated_at: closedAt,
    state,
    version: state === 'OPEN' ? 2 : 4,
    total_money: money(total),
    total_tax_money: money(tax),
    total_discount_money: money(disc),
    total_tip_money: money(tip),
    total_service_charge_money: money(service),
    net_amount_due_money: money(state === 'OPEN' ? total : 0),
  };
  if (state !== 'OPEN') order.closed_at = closedAt;
  if (state === 'COMPLETED') order.tenders = [{ id: `${id}-T`, location_id: locationId, transaction_id: id, created_at: closedAt, type: rand() < 0.7 ? 'CARD' : 'CASH', amount_money: money(total + tip), tip_money: money(tip) }];
  return order;
}

export function dataset(options: DatasetOptions): SquareData {
  const rand = prng(options.seed ?? 'square-2024-10-17');
  const locations = (exampleOf('ListLocationsResponse').locations as Json[]).map((l) => ({ ...l }));
  // Midtown runs as a late bar: open 17:00 to 03:30, so its business day starts at 05:00 (mapping.ts startHourOf).
  const midtown = locations.find((l) => l.id === '3Z4V4WHQK64X9');
  if (midtown) midtown.business_hours = { periods: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'].map((day_of_week) => ({ day_of_week, start_local_time: '17:00:00', end_local_time: '03:30:00' })) };
  const orders: Json[] = (exampleOf('BatchRetrieveOrdersResponse').orders as Json[]).map((o) => ({ ...o, state: 'COMPLETED', created_at: '2016-09-04T23:59:33.123Z', updated_at: '2016-09-04T23:59:33.123Z', closed_at: '2016-09-04T23:59:33.123Z' }));
  let n = 0;
  for (let date = options.from; date <= options.to; date = addDays(date, 1)) {
    for (const l of locations) {
      const perDay = 3 + Math.floor(rand() * 3);
      for (let i = 0; i < perDay; i++) {
        const r = rand();
        // Most checks close in service hours; some after midnight (local 00:00–04:59): the day before's business, or the next day's at 04:xx where the day starts at 04:00.
        const hour = r < 0.15 ? 24 + Math.floor(rand() * 5) : 11 + Math.floor(rand() * 12);
        const closedAt = localToUtc(date, hour, Math.floor(rand() * 60), String(l.timezone));
        const s = rand();
        const state = s < 0.08 ? 'CANCELED' : s < 0.13 ? 'OPEN' : 'COMPLETED';
        orders.push(buildOrder(rand, `SQ-${String(++n).padStart(6, '0')}`, String(l.id), closedAt, state));
      }
    }
  }
  // Returns draw from their own sequence, so the sales above stay what they were before returns existed.
  const rr = prng(`${options.seed ?? 'square-2024-10-17'}:returns`);
  let r = 0;
  for (const sale of orders.filter((o) => String(o.id).startsWith('SQ-') && o.state === 'COMPLETED')) {
    if (rr() >= 0.12) continue;
    orders.push(buildReturn(rr, `SQ-R${String(++r).padStart(5, '0')}`, sale));
  }
  return { locations, orders };
}

/** A return order for `sale`, 2 to 40 hours after it closed: one line returned whole, or a custom-amount refund; the refund usually APPROVED. */
function buildReturn(rand: () => number, id: string, sale: Json): Json {
  const closedAt = new Date(Date.parse(String(sale.closed_at)) + (2 + Math.floor(rand() * 38)) * 3_600_000 + Math.floor(rand() * 60) * 60_000).toISOString();
  const custom = rand() < 0.3 ? 300 + Math.floor(rand() * 1500) : undefined;
  return returnOrder(sale, { id, closedAt, ...(custom === undefined ? {} : { customAmount: custom }), status: rand() < 0.1 ? 'FAILED' : 'APPROVED' });
}

export interface ReturnOptions {
  id: string;
  /** When the return order closed (and its refund was created). */
  closedAt: string;
  /** A custom-amount refund of this many cents (CUSTOM_AMOUNT, no tax) instead of the sale's first line returned whole. */
  customAmount?: number;
  status?: 'APPROVED' | 'PENDING' | 'FAILED' | 'REJECTED';
}

/** The return order Square records for a refund of `sale`: `returns` with one return line item, `return_amounts`, negative `net_amounts`, the tender refund in `refunds`. */
export function returnOrder(sale: Json, options: ReturnOptions): Json {
  const { id, closedAt } = options;
  const line = ((sale.line_items as Json[]) ?? []).find((l) => l.name !== 'Cover')!;
  const amountOf = (m: unknown) => (m as { amount: number }).amount;
  const returned: Json =
    options.customAmount === undefined
      ? {
          uid: `${id}-RL`,
          source_line_item_uid: line.uid,
          name: line.name,
          quantity: line.quantity,
          catalog_object_id: line.catalog_object_id,
          item_type: 'ITEM',
          base_price_money: line.base_price_money,
          variation_total_price_money: line.variation_total_price_money,
          gross_return_money: line.gross_sales_money,
          total_tax_money: line.total_tax_money,
          total_discount_money: line.total_discount_money,
          total_money: line.total_money,
        }
      : { uid: `${id}-RL`, name: 'Custom Amount', quantity: '1', item_type: 'CUSTOM_AMOUNT', base_price_money: money(options.customAmount), gross_return_money: money(options.customAmount), total_tax_money: money(0), total_discount_money: money(0), total_money: money(options.customAmount) };
  const total = amountOf(returned.total_money);
  const tax = amountOf(returned.total_tax_money);
  const discount = amountOf(returned.total_discount_money);
  const returnAmounts = { total_money: money(total), tax_money: money(tax), discount_money: money(discount), tip_money: money(0), service_charge_money: money(0) };
  const tender = ((sale.tenders as Json[] | undefined) ?? [])[0];
  return {
    id,
    location_id: sale.location_id,
    source: { name: 'Square Point of Sale' },
    returns: [{ uid: `${id}-RET`, source_order_id: sale.id, return_line_items: [returned], return_amounts: returnAmounts }],
    return_amounts: returnAmounts,
    net_amounts: { total_money: money(-total), tax_money: money(-tax), discount_money: money(-discount), tip_money: money(0), service_charge_money: money(0) },
    refunds: [{ id: `${id}-RF`, location_id: sale.location_id, transaction_id: sale.id, tender_id: tender?.id ?? `${String(sale.id)}-T`, created_at: closedAt, reason: 'Returned goods', amount_money: money(total), status: options.status ?? 'APPROVED' }],
    created_at: closedAt,
    updated_at: closedAt,
    closed_at: closedAt,
    state: 'COMPLETED',
    version: 1,
    total_money: money(0),
    total_tax_money: money(0),
    total_discount_money: money(0),
    total_tip_money: money(0),
    total_service_charge_money: money(0),
    net_amount_due_money: money(0),
  };
}
