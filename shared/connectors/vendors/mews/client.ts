import type { z } from 'zod';
import type { VendorHttp } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import type { MewsCredentials, MewsSettings } from './settings.js';
import { plusMonths } from './time.js';

/** The longest time interval one filter may span (the reference: "max length 3 months"). */
export const MAX_INTERVAL_MONTHS = 3;

export interface Interval {
  StartUtc: string;
  EndUtc: string;
}

/**
 * The Connector API as the connector uses it: every request is a POST of JSON carrying ClientToken,
 * AccessToken and Client (guidelines/authentication.md); list operations are paged with
 * `Limitation { Count, Cursor }` until a page comes back short or without a cursor
 * (guidelines/pagination.md). Retries, 429/Retry-After, timeouts and the circuit belong to the
 * framework's VendorHttp underneath.
 */
export class MewsClient {
  /** Vendor objects read, for the run's status. */
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: MewsSettings,
    private readonly credentials: MewsCredentials,
  ) {}

  /** One call of `operation` (e.g. `configuration/get`), its answer parsed with `schema`. */
  async call<S extends z.ZodType>(operation: string, body: Record<string, unknown>, schema: S): Promise<z.infer<S>> {
    const url = vendorEndpoint(this.settings.baseUrl, `api/connector/v1/${operation}`);
    const response = await this.http.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body: { ClientToken: this.credentials.clientToken, AccessToken: this.credentials.accessToken, Client: this.settings.client, ...body },
    });
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new VendorError('invalid_response', 'mews', { status: response.status, request: `POST /api/connector/v1/${operation}` });
    return parsed.data;
  }

  /** Every item of a paged list operation: `key` names the array in the answer. */
  async all<S extends z.ZodType, K extends string>(operation: string, body: Record<string, unknown>, schema: S, key: K): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const answer = (await this.call(operation, { ...body, Limitation: { Count: this.settings.pageSize, ...(cursor ? { Cursor: cursor } : {}) } }, schema)) as Record<string, unknown>;
      const items = (answer[key] as Array<Record<string, unknown>> | null | undefined) ?? [];
      out.push(...items);
      this.objectsRead += items.length;
      const next = answer.Cursor as string | null | undefined;
      if (!next || items.length < this.settings.pageSize || next === cursor) return out;
      cursor = next;
    }
    throw new VendorError('invalid_response', 'mews', { request: `POST /api/connector/v1/${operation}` });
  }

  /** `all` over a long interval: one request series per slice of at most three months of `filter`. */
  async allOver<S extends z.ZodType, K extends string>(operation: string, body: Record<string, unknown>, filter: string, interval: Interval, schema: S, key: K): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    for (const slice of slices(interval)) {
      for (const item of await this.all(operation, { ...body, [filter]: slice }, schema, key)) {
        // An item spanning two slices (a colliding stay) comes back in both.
        const id = item.Id as string;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(item);
      }
    }
    return out;
  }

  /** `all` for a list of ids, in requests of at most 1000 ids (the reference's "max 1000 items"). */
  async byIds<S extends z.ZodType, K extends string>(operation: string, body: Record<string, unknown>, idsField: string, ids: readonly string[], schema: S, key: K): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (let i = 0; i < ids.length; i += 1000) out.push(...(await this.all(operation, { ...body, [idsField]: ids.slice(i, i + 1000) }, schema, key)));
    return out;
  }
}

/** Splits an interval into consecutive slices of at most MAX_INTERVAL_MONTHS. */
export function slices(interval: Interval): Interval[] {
  const out: Interval[] = [];
  let start = interval.StartUtc;
  while (Date.parse(start) < Date.parse(interval.EndUtc)) {
    const limit = plusMonths(start, MAX_INTERVAL_MONTHS);
    const end = Date.parse(limit) < Date.parse(interval.EndUtc) ? limit : interval.EndUtc;
    out.push({ StartUtc: start, EndUtc: end });
    start = end;
  }
  return out;
}
