import type { z } from 'zod';
import type { VendorHttp, VendorRequest, VendorResponse } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { addDays } from '../../../reporting/periods.js';
import type { OperaCredentials, OperaSettings } from './settings.js';
import {
  financialPostings,
  inventoryStatistics,
  listOfValues,
  revenueInventoryStatistics,
  type FinancialPosting,
  type InventoryStatistics,
  type RevenueInventoryStatistic,
} from './schemas.js';

/** The vendor as the framework's errors name it (the manifest's `vendor`). */
export const VENDOR = 'Oracle Hospitality';

/** Spans and page sizes Oracle's documents state per operation (the gateway refuses larger ones). */
export const LIMITS = {
  revenueInventoryStatisticsDays: 94,
  inventoryStatisticsDays: 62,
  financialPostingsDays: 30,
  financialPostingsPageSize: 50,
} as const;

/** How long to wait for an asynchronous statistics request before giving up (the run retries later). */
const ASYNC_MAX_POLLS = 60;
const ASYNC_MAX_WAIT_MS = 30_000;

/** `path` (relative, e.g. `inv/v1/...`) under the gateway URL, which may carry a path prefix. */
export function gatewayUrl(settings: Pick<OperaSettings, 'gatewayUrl'>, path: string): string {
  return vendorEndpoint(settings.gatewayUrl, path);
}

/** Splits `from`..`to` (inclusive dates) into consecutive spans of at most `days` days. */
export function dateWindows(from: string, to: string, days: number): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  for (let start = from; start <= to; start = addDays(start, days)) {
    const end = addDays(start, days - 1);
    out.push({ from: start, to: end < to ? end : to });
  }
  return out;
}

export interface PostingsRead {
  postings: FinancialPosting[];
  /** Transaction code → its transaction group, from the code lists of every page. */
  groups: Map<string, string>;
  /** The hotel's room revenue transaction codes: their revenue is the statistics' room revenue. */
  roomRevenueCodes: Set<string>;
}

/**
 * The OHIP calls the connector makes, on the framework's HTTP client (which adds the bearer token,
 * retries 5xx/429/timeouts and keeps the circuit). Every request carries `x-app-key` and `x-hotelid`.
 */
export class OhipClient {
  /** Vendor objects read (statistics rows and postings), for status and benchmarks. */
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: OperaSettings,
    private readonly credentials: OperaCredentials,
  ) {}

  private url(path: string): string {
    return gatewayUrl(this.settings, path);
  }

  private send(request: Omit<VendorRequest, 'headers'>): Promise<VendorResponse> {
    return this.http.send({ ...request, headers: { 'x-app-key': this.credentials.appKey, 'x-hotelid': this.settings.hotelId } });
  }

  /** `empty` is what a 204 (OHIP's "nothing found") stands for. */
  private parse<T extends z.ZodType>(schema: T, response: VendorResponse, request: string, empty: unknown): z.infer<T> {
    const parsed = schema.safeParse(response.status === 204 ? empty : response.body);
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { status: response.status, request });
    return parsed.data;
  }

  private hotelPath(): string {
    return encodeURIComponent(this.settings.hotelId);
  }

  /**
   * Daily revenue and inventory statistics (rooms, out of order, sold, room revenue, arrivals,
   * departures) for `from`..`to`, past and future, through the asynchronous API: start the process,
   * poll its status with HEAD until Completed, then read the result it points to.
   */
  async revenueInventoryStatistics(from: string, to: string): Promise<RevenueInventoryStatistic[]> {
    const rows: RevenueInventoryStatistic[] = [];
    for (const w of dateWindows(from, to, LIMITS.revenueInventoryStatisticsDays)) {
      const start = this.url(`inv/async/v1/externalSystems/${encodeURIComponent(this.settings.externalSystemCode)}/hotels/${this.hotelPath()}/revenueInventoryStatistics`);
      const started = await this.send({ method: 'POST', url: start, body: { dateRangeStart: w.from, dateRangeEnd: w.to } });
      const statusUrl = this.location(started, 'startRevenueInventoryStatisticsProcess');
      const resultUrl = await this.awaitCompletion(statusUrl);
      const result = await this.send({ method: 'GET', url: resultUrl });
      const page = this.parse(revenueInventoryStatistics, result, 'getRevenueInventoryStatistics', {});
      // The result covers the requested span only; a gateway answering wider must not leak other dates in.
      for (const row of page.revInvStats) if (row.occupancyDate >= w.from && row.occupancyDate <= w.to) rows.push(row);
      this.objectsRead += page.revInvStats.length;
    }
    return rows;
  }

  private location(response: VendorResponse, operation: string): string {
    const location = header(response, 'location');
    if (!location) throw new VendorError('invalid_response', VENDOR, { status: response.status, request: operation });
    return new URL(location, this.settings.gatewayUrl).toString();
  }

  private async awaitCompletion(statusUrl: string): Promise<string> {
    for (let poll = 0; poll < ASYNC_MAX_POLLS; poll += 1) {
      const status = await this.send({ method: 'HEAD', url: statusUrl });
      const state = header(status, 'status');
      // Completed: the Location header names the result (the status URL itself when absent).
      if (status.status === 201 || state === 'Completed') return header(status, 'location') ? this.location(status, 'getRevenueInventoryStatisticsProcessStatus') : statusUrl;
      if (state === 'Invalid') throw new VendorError('rejected', VENDOR, { status: status.status, request: 'getRevenueInventoryStatisticsProcessStatus' });
      const maxAge = /max-age=(\d+)/.exec(header(status, 'cache-control') ?? '')?.[1];
      await new Promise((resolve) => setTimeout(resolve, Math.min(Number(maxAge ?? 5) * 1000, ASYNC_MAX_WAIT_MS)));
    }
    throw new VendorError('timeout', VENDOR, { request: 'getRevenueInventoryStatisticsProcessStatus' });
  }

  /** House-level complimentary rooms and persons in house per date (spans of at most 62 days). */
  async inventoryStatistics(from: string, to: string): Promise<InventoryStatistics> {
    const out: InventoryStatistics = [];
    for (const w of dateWindows(from, to, LIMITS.inventoryStatisticsDays)) {
      const response = await this.send({
        method: 'GET',
        url: this.url(`inv/v1/hotels/${this.hotelPath()}/inventoryStatistics`),
        query: {
          dateRangeStart: w.from,
          dateRangeEnd: w.to,
          reportCode: 'RoomsAvailabilitySummary',
          parameterName: ['HouseCompRoomsYN', 'HousePeopleInHouseYN'],
          parameterValue: ['Y', 'Y'],
        },
      });
      const page = this.parse(inventoryStatistics, response, 'getInventoryStatistics', []);
      for (const report of page) for (const stat of report.statistics) this.objectsRead += stat.statisticDate.length;
      out.push(...page);
    }
    return out;
  }

  /** Every posting of the business dates `from`..`to` (spans of at most 30 days, pages of 50). */
  async financialPostings(from: string, to: string): Promise<PostingsRead> {
    const read: PostingsRead = { postings: [], groups: new Map(), roomRevenueCodes: await this.roomRevenueCodes() };
    for (const w of dateWindows(from, to, LIMITS.financialPostingsDays)) {
      for (let offset = 0; ; ) {
        const response = await this.send({
          method: 'GET',
          url: this.url(`csh/v1/hotels/${this.hotelPath()}/financialPostings`),
          query: { startDate: w.from, endDate: w.to, limit: LIMITS.financialPostingsPageSize, offset },
        });
        const page = this.parse(financialPostings, response, 'getFinancialPostings', {});
        const postings = page.journalPostings?.postings ?? [];
        read.postings.push(...postings);
        for (const c of page.journalPostings?.transactionCodes ?? []) if (c.transactionCode && c.transactionGroup) read.groups.set(c.transactionCode, c.transactionGroup);
        this.objectsRead += postings.length;
        // hasMore absent means everything was returned (Oracle's description of the field).
        if (!page.hasMore || postings.length === 0) break;
        offset += postings.length;
      }
    }
    return read;
  }

  /** The transaction codes OPERA counts as room revenue (its list of values for the hotel). */
  async roomRevenueCodes(): Promise<Set<string>> {
    const response = await this.send({ method: 'GET', url: this.url(`lov/v1/listOfValues/hotels/${this.hotelPath()}/roomRevenueTrxCodes`) });
    const lov = this.parse(listOfValues, response, 'getRoomRevenueTrxCodesLOV', {});
    return new Set((lov.listOfValues?.items ?? []).flatMap((i) => (i.code ? [i.code] : [])));
  }
}

function header(response: VendorResponse, name: string): string | undefined {
  for (const [k, v] of Object.entries(response.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
