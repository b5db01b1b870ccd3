import type { z } from 'zod';
import type { TokenRequest, VendorHttp } from '../../connector.js';
import { processTokens, refreshAt, type TokenCache } from '../../http/oauth-tokens.js';
import { sendWithToken } from '../../http/token-retry.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { authenticationResponse, order, ordersBulkResponse, restaurantInfo, type ToastOrder, type ToastRestaurantInfo } from './schemas.js';
import type { ToastCredentials, ToastSettings } from './settings.js';

export const VENDOR = 'Toast';
/** Orders per ordersBulk page: Toast's maximum `pageSize`. */
export const PAGE_SIZE = 100;
/** The path of Toast's login (authentication API 1.0.0, basePath /authentication/v1). */
export const LOGIN_PATH = 'authentication/v1/authentication/login';

/** Which orders an ordersBulk request selects: the orders of one business date, or those modified in [start, end). */
export type OrdersQuery = { businessDate: string } | { startDate: string; endDate: string };

/** yyyyMMdd, the form of Toast's business dates, from YYYY-MM-DD. */
export const toastDate = (date: string) => date.replaceAll('-', '');

/**
 * An instant as Toast's ordersBulk wants it: ISO 8601 with milliseconds and a numeric offset
 * (`2016-01-01T14:13:12.000+0000`, the form its parameter descriptions show).
 */
export function toastInstant(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

/**
 * Toast's orders and restaurants endpoints, through the framework's HTTP client (retries, 429,
 * timeouts, circuit). Toast's login is its own client-credentials flow (a JSON body with
 * `clientId`, `clientSecret`, `userAccessType`; the token in `token.accessToken`), not RFC 6749's
 * form, so the connector logs in itself; the token is cached with the framework's token cache
 * (refreshed before it expires, one login at a time per client) and renewed once on a 401.
 */
export class ToastClient {
  /** Vendor objects read (orders, restaurants), for the run's statistics. */
  objectsRead = 0;
  private readonly login: TokenRequest;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: ToastSettings,
    credentials: ToastCredentials,
    private readonly tokens: TokenCache = processTokens,
  ) {
    this.login = { url: vendorEndpoint(settings.baseUrl, LOGIN_PATH), clientId: credentials.clientId, clientSecret: credentials.clientSecret };
  }

  private token(): Promise<string> {
    return this.tokens.get(this.login, async () => {
      const started = Date.now();
      let res;
      try {
        res = await this.http.send({ method: 'POST', url: this.login.url, body: { clientId: this.login.clientId, clientSecret: this.login.clientSecret, userAccessType: 'TOAST_MACHINE_CLIENT' } });
      } catch (err) {
        // A refused login is the credentials', whatever status Toast chose for it.
        if (err instanceof VendorError && (err.reason === 'unauthorized' || err.reason === 'rejected')) throw new VendorError('token_failed', VENDOR, err.details);
        throw err;
      }
      const parsed = authenticationResponse.safeParse(res.body);
      if (!parsed.success) throw new VendorError('token_failed', VENDOR, { status: res.status, request: `POST /${LOGIN_PATH}` });
      return { accessToken: parsed.data.token.accessToken, refreshAt: refreshAt(started, parsed.data.token.expiresIn ?? undefined) };
    });
  }

  /** A GET with the bearer token and the restaurant header; a 401 (token revoked or expired early) gets one fresh token and one more try. */
  private async get<T>(schema: z.ZodType<T>, restaurantGuid: string, path: string, query?: Record<string, string | number>): Promise<T> {
    const send = async (token: string) =>
      this.http.send({ method: 'GET', url: vendorEndpoint(this.settings.baseUrl, path), headers: { authorization: `Bearer ${token}`, 'toast-restaurant-external-id': restaurantGuid }, ...(query ? { query } : {}) });
    const res = await sendWithToken(() => this.token(), (used) => this.tokens.invalidate(this.login, used), send);
    const parsed = schema.safeParse(res.body);
    // The reason names no field values: an order can carry guest data.
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { request: `GET /${path.replace(/\/[^/]*$/, '/…')}` });
    return parsed.data;
  }

  async restaurant(guid: string): Promise<ToastRestaurantInfo> {
    const info = await this.get(restaurantInfo, guid, `restaurants/v1/restaurants/${encodeURIComponent(guid)}`);
    this.objectsRead += 1;
    return info;
  }

  /** One order by GUID; undefined when Toast does not know it (404). */
  async order(restaurantGuid: string, orderGuid: string): Promise<ToastOrder | undefined> {
    try {
      const found = await this.get(order, restaurantGuid, `orders/v2/orders/${encodeURIComponent(orderGuid)}`);
      this.objectsRead += 1;
      return found;
    } catch (err) {
      if (err instanceof VendorError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Every order the query selects, page by page until a page is not full. */
  async orders(restaurantGuid: string, query: OrdersQuery): Promise<ToastOrder[]> {
    const out: ToastOrder[] = [];
    for (let page = 1; ; page++) {
      const found = await this.get(ordersBulkResponse, restaurantGuid, 'orders/v2/ordersBulk', { ...query, pageSize: PAGE_SIZE, page });
      this.objectsRead += found.length;
      out.push(...found);
      if (found.length < PAGE_SIZE) return out;
    }
  }
}
