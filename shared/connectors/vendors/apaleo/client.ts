import type { z } from 'zod';
import type { VendorHttp, VendorRequest } from '../../connector.js';
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

/** A vendor answer that does not match the shape we read: the run fails rather than importing a guess. */
export class ApaleoResponseInvalid extends Error {
  override readonly name = 'ApaleoResponseInvalid';
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  // The issue paths name fields only: a vendor body can carry guest data and never goes into an error.
  if (!r.success) throw new ApaleoResponseInvalid(`apaleo ${what}: unexpected response shape at ${r.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
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
    return this.http.send({ method: 'GET', url: `${this.settings.apiBaseUrl}${path}`, headers: { accept: 'application/json' }, ...(query ? { query } : {}) });
  }

  /** Every page of a list endpoint; Swagger 2.0 arrays are one comma-separated parameter (collectionFormat csv, the default). */
  private async *pages<T>(path: string, query: Record<string, string>, read: (body: unknown) => T[]): AsyncGenerator<T> {
    for (let pageNumber = 1; ; pageNumber++) {
      const res = await this.get(path, { ...query, pageSize: PAGE_SIZE, pageNumber });
      if (res.status === 204) return;
      const items = read(res.body);
      this.objectsRead += items.length;
      yield* items;
      if (items.length < PAGE_SIZE) return;
    }
  }

  async property(): Promise<Property> {
    const res = await this.get(`/inventory/v1/properties/${encodeURIComponent(this.settings.propertyId)}`);
    this.objectsRead += 1;
    return parse(property, res.body, 'property');
  }

  async reservations(q: ReservationQuery): Promise<Reservation[]> {
    const query: Record<string, string> = { propertyIds: this.settings.propertyId, dateFilter: q.dateFilter, from: q.from, to: q.to, expand: 'timeSlices' };
    if (q.status) query.status = q.status.join(',');
    const out: Reservation[] = [];
    for await (const r of this.pages('/booking/v1/reservations', query, (b) => parse(reservationList, b, 'reservations').reservations)) out.push(r);
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
    return parse(reservation, res.body, 'reservation');
  }

  /**
   * The property's units; the list names a unit's maintenance but not its dates, so each unit under
   * maintenance is read once more for them (few units are).
   */
  async units(): Promise<Unit[]> {
    const items: UnitItem[] = [];
    for await (const u of this.pages('/inventory/v1/units', { propertyId: this.settings.propertyId }, (b) => parse(unitList, b, 'units').units)) items.push(u);
    const out: Unit[] = [];
    for (const u of items) {
      if (!u.status.maintenance) {
        out.push({ id: u.id, ...(u.unitGroup ? { unitGroup: u.unitGroup } : {}), status: {} });
        continue;
      }
      const res = await this.get(`/inventory/v1/units/${encodeURIComponent(u.id)}`);
      this.objectsRead += 1;
      out.push(parse(unit, res.body, 'unit'));
    }
    return out;
  }
}

/** The framework's VendorError carries the vendor's status; a 404 of one entity is an answer, not a failure. */
function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'status' in e && (e as { status: unknown }).status === 404;
}
