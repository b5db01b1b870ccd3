import type { z } from 'zod';
import type { VendorHttp } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { batchRetrieveOrdersResponse, listLocationsResponse, searchOrdersResponse, type SquareLocation, type SquareOrder } from './schemas.js';
import { SQUARE_VERSION, type SquareSettings } from './settings.js';

/** Orders per SearchOrders page (Square: default 500, at most 1000). */
export const PAGE_LIMIT = 500;

/** A SearchOrders time filter: Square's `date_time_filter` field and the sort field it requires. */
export interface OrderSearch {
  locationIds: readonly string[];
  field: 'updated_at' | 'closed_at';
  /** RFC 3339 instants, both inclusive (Square's TimeRange). */
  startAt: string;
  endAt: string;
  states?: readonly string[];
}

/** The Square Orders and Locations endpoints the connector reads, through the framework's HTTP client (retries, 429, timeouts, circuit). */
export class SquareClient {
  /** Vendor objects read (orders, locations), for the run's statistics. */
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: SquareSettings,
    private readonly accessToken: string,
  ) {}

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.accessToken}`, 'square-version': SQUARE_VERSION };
  }

  private parse<T>(schema: z.ZodType<T>, body: unknown, request: string): T {
    const r = schema.safeParse(body);
    // The reason names no field values: an order can carry customer data.
    if (!r.success) throw new VendorError('invalid_response', 'Square', { request });
    return r.data;
  }

  async locations(): Promise<SquareLocation[]> {
    const res = await this.http.send({ method: 'GET', url: `${this.settings.baseUrl}/v2/locations`, headers: this.headers() });
    const locations = this.parse(listLocationsResponse, res.body, 'GET /v2/locations').locations ?? [];
    this.objectsRead += locations.length;
    return locations;
  }

  /** Every order matching the search, page by page; a cursor goes with the original query, as Square requires. */
  async searchOrders(search: OrderSearch): Promise<SquareOrder[]> {
    const query = {
      filter: {
        date_time_filter: { [search.field]: { start_at: search.startAt, end_at: search.endAt } },
        ...(search.states ? { state_filter: { states: [...search.states] } } : {}),
      },
      sort: { sort_field: search.field.toUpperCase(), sort_order: 'ASC' },
    };
    const out: SquareOrder[] = [];
    let cursor: string | undefined;
    do {
      const body = { location_ids: [...search.locationIds], query, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) };
      const res = await this.http.send({ method: 'POST', url: `${this.settings.baseUrl}/v2/orders/search`, headers: this.headers(), body });
      const page = this.parse(searchOrdersResponse, res.body, 'POST /v2/orders/search');
      const orders = page.orders ?? [];
      this.objectsRead += orders.length;
      out.push(...orders);
      cursor = page.cursor || undefined;
    } while (cursor);
    return out;
  }

  /** The orders of one location by id (BatchRetrieveOrders); ids Square does not know are absent. */
  async orders(locationId: string, orderIds: readonly string[]): Promise<SquareOrder[]> {
    const res = await this.http.send({ method: 'POST', url: `${this.settings.baseUrl}/v2/orders/batch-retrieve`, headers: this.headers(), body: { location_id: locationId, order_ids: [...orderIds] } });
    const orders = this.parse(batchRetrieveOrdersResponse, res.body, 'POST /v2/orders/batch-retrieve').orders ?? [];
    this.objectsRead += orders.length;
    return orders;
  }
}
