import type { z } from 'zod';
import type { VendorHttp, VendorRequest } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { property, reservation, reservationList, unit, unitList, type Property, type Reservation, type Unit, type UnitItem } from './schemas.js';
import type { ApaleoSettings } from './settings.js';

/** apaleo's page size for our list reads; it pages with pageNumber (from 1) and answers 204 past the last page. */
export const PAGE_SIZE = 200;

/** A reservations query: the Booking v1 `GET /booking/v1/reservations` parameters we use. */
export interface ReservationQuery {
  dateFilter: 'Stay' | 'Modification';
  /** apaleo date-times (UTC, no fractional seconds); `from` included, `to` excluded. */
  from: string;
  to: string;
  status?: readonly string[];
}

/** The manifest's vendor: the framework's client names it in its errors, and so do ours. */
export const VENDOR = 'apaleo GmbH';

/** A vendor answer that does not match the shape we read fails the run rather than importing a guess. */
function parse<T>(schema: z.ZodType<T>, res: { status: number; body: unknown }, request: string): T {
  const r = schema.safeParse(res.body);
  if (!r.success) throw new VendorError('invalid_response', VENDOR, { status: res.status, request });
  return r.data;
}

/** The apaleo Booking and Inventory v1 endpoints the connector reads, through the framework's HTTP client (token, retries, 429, timeouts). */
export class ApaleoClient {
  /** Vendor objects read (reservations, units, the property), for the run's statistics. */
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: ApaleoSettings,
  ) {}

  private get(path: string, query?: VendorRequest['query']): Promise<{ status: number; body: unknown }> {
    return this.http.send({ method: 'GET', url: vendorEndpoint(this.settings.apiBaseUrl, path), headers: { accept: 'application/json' }, ...(query ? { query } : {}) });
  }

  /** Every page of a list endpoint; Swagger 2.0 arrays are one comma-separated parameter (collectionFormat csv, the default). */
  private async *pages<T>(path: string, query: Record<string, string>, read: (res: { status: number; body: unknown }) => T[]): AsyncGenerator<T> {
    for (let pageNumber = 1; ; pageNumber++) {
      const res = await this.get(path, { ...query, pageSize: PAGE_SIZE, pageNumber });
      if (res.status === 204) return;
      const items = read(res);
      this.objectsRead += items.length;
      yield* items;
      if (items.length < PAGE_SIZE) return;
    }
  }

  async property(): Promise<Property> {
    const res = await this.get(`/inventory/v1/properties/${encodeURIComponent(this.settings.propertyId)}`);
    this.objectsRead += 1;
    return parse(property, res, 'GET /inventory/v1/properties/{id}');
  }

  async reservations(q: ReservationQuery): Promise<Reservation[]> {
    const query: Record<string, string> = { propertyIds: this.settings.propertyId, dateFilter: q.dateFilter, from: q.from, to: q.to, expand: 'timeSlices' };
    if (q.status) query.status = q.status.join(',');
    const out: Reservation[] = [];
    for await (const r of this.pages('/booking/v1/reservations', query, (res) => parse(reservationList, res, 'GET /booking/v1/reservations').reservations)) out.push(r);
    return out;
  }

  /** One reservation with its time slices, or undefined when apaleo no longer has it. */
  async reservation(id: string): Promise<Reservation | undefined> {
    const res = await this.get(`/booking/v1/reservations/${encodeURIComponent(id)}`, { expand: 'timeSlices' }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (!res) return undefined;
    this.objectsRead += 1;
    return parse(reservation, res, 'GET /booking/v1/reservations/{id}');
  }

  /**
   * The property's units; the list names a unit's maintenance but not its dates, so each unit under
   * maintenance is read once more for them (few units are).
   */
  async units(): Promise<Unit[]> {
    const items: UnitItem[] = [];
    for await (const u of this.pages('/inventory/v1/units', { propertyId: this.settings.propertyId }, (res) => parse(unitList, res, 'GET /inventory/v1/units').units)) items.push(u);
    const out: Unit[] = [];
    for (const u of items) {
      if (!u.status.maintenance) {
        out.push({ id: u.id, ...(u.unitGroup ? { unitGroup: u.unitGroup } : {}), status: {} });
        continue;
      }
      const res = await this.get(`/inventory/v1/units/${encodeURIComponent(u.id)}`);
      this.objectsRead += 1;
      out.push(parse(unit, res, 'GET /inventory/v1/units/{id}'));
    }
    return out;
  }
}

/** A 404 of one entity is an answer, not a failure. */
function isNotFound(e: unknown): boolean {
  return e instanceof VendorError && e.status === 404;
}
