import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { datesBetween as dates } from '../../../../shared/connectors/local-days.js';
import { daysBetween as span } from '../../../../shared/reporting/periods.js';
import { basicClient, listenOnLoopback, readBody, type LoopbackServer } from '../loopback.js';
import { SwaggerValidator, type Match } from '../swagger2-validator.js';
import { CURRENCY, HOTEL_ID, OperaDataset, ROOM_TYPES, TRANSACTION_CODES } from './dataset.js';

/**
 * A fake OHIP gateway for one hotel, answering the operations the OPERA connector uses from the
 * published Swagger documents in test/fixtures/vendors/opera: every request is validated against
 * its operation (path, query, headers, body) and an invalid one is answered 400 and recorded in
 * `violations`, so a contract test fails when the connector sends something OHIP would refuse.
 * Tokens come from `POST /oauth/v1/tokens` (client credentials, Basic client authentication,
 * x-app-key); every other operation needs that bearer token, the app key and x-hotelid.
 *
 * Limits the documents state in prose are enforced too: 94 days per revenue inventory statistics
 * request, 62 per inventory statistics request, 30 per financial postings request and at most 50
 * postings per page.
 */

const FIXTURES = ['oauth.json', 'invasync.json', 'inv.json', 'csh.json', 'lov.json'].map((f) => new URL(`../../../fixtures/vendors/opera/${f}`, import.meta.url));

/**
 * Oracle's documents declare many dates as `format: date` with `maxLength: 8`, which no ISO date
 * (10 characters) can satisfy; the examples and the gateway use `YYYY-MM-DD`. The format is kept,
 * the impossible length dropped (test/fixtures/vendors/opera/PROVENANCE.md lists this reading).
 */
function withoutContradictions(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v.format === 'date' && v.maxLength === 8) {
      const { maxLength: _dropped, ...rest } = v;
      return rest;
    }
  }
  return value;
}

let validator: SwaggerValidator | undefined;
/** The documents are compiled once per test process: a few hundred schemas. */
function sharedValidator(): SwaggerValidator {
  validator ??= new SwaggerValidator(FIXTURES, { reading: withoutContradictions });
  return validator;
}

export const APP_KEY = '41ecd082-8997-4c69-af34-2f72b83645ff';
export const CLIENT_ID = 'pmi_client';
export const CLIENT_SECRET = 'pmi-client-secret';
export const EXTERNAL_SYSTEM = 'PMI';

export interface Violation {
  operationId: string;
  method: string;
  path: string;
  errors: string[];
}

export interface RecordedRequest {
  operationId: string;
  method: string;
  url: string;
  status: number;
}

export type Fault = { kind: 'status'; status: 500 } | { kind: 'rate-limit'; retryAfterSeconds: number } | { kind: 'hang' };

interface ArmedFault {
  operationId: string;
  fault: Fault;
  /** Matching requests to let through before the fault starts. */
  skip: number;
  /** Requests the fault still applies to. */
  times: number;
}

const money = (cents: number) => (cents / 100).toFixed(2);
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

export class FakeOhip {
  readonly violations: Violation[] = [];
  /** Responses of the fake that do not match the documents (a fake that drifted from the spec). */
  readonly responseViolations: Violation[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly dataset: OperaDataset;
  private readonly tokens = new Set<string>();
  private readonly processes = new Map<string, { from: string; to: string; polls: number }>();
  private readonly faults: ArmedFault[] = [];
  private server: LoopbackServer | undefined;

  constructor(options: { today: string }) {
    this.dataset = new OperaDataset(options.today);
  }

  get baseUrl(): string {
    return this.server?.url ?? '';
  }

  async start(): Promise<this> {
    // Compiled before listening: the first request must not wait for it (a client timeout would retry it).
    sharedValidator();
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res));
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Makes the next requests of `operationId` ('*' for any but the token) fail: after `skip` good ones, `times` times. */
  inject(operationId: string, fault: Fault, options: { skip?: number; times?: number } = {}): void {
    this.faults.push({ operationId, fault, skip: options.skip ?? 0, times: options.times ?? 1 });
  }

  /** Revokes every token issued (the next request gets 401, as after an OHIP token expiry). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const match = sharedValidator().match({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      contentType: req.headers['content-type'],
      body,
    });
    if (!match) return this.send(res, undefined, 404, { title: 'Not Found', status: 404, detail: `no operation ${req.method} ${url.pathname}` });
    const op = match.operation.operationId;
    const answered = (status: number) => this.requests.push({ operationId: op, method: match.operation.method, url: url.pathname + url.search, status });
    const fault = this.faults.find((f) => (f.operationId === op || (f.operationId === '*' && op !== 'getToken')) && f.times > 0);
    if (fault && fault.skip > 0) fault.skip -= 1;
    else if (fault) {
      fault.times -= 1;
      answered(fault.fault.kind === 'status' ? 500 : fault.fault.kind === 'rate-limit' ? 429 : 0);
      if (fault.fault.kind === 'hang') return;
      if (fault.fault.kind === 'rate-limit') res.setHeader('retry-after', String(fault.fault.retryAfterSeconds));
      return this.send(res, undefined, fault.fault.kind === 'status' ? 500 : 429, { title: 'Injected fault', status: fault.fault.kind === 'status' ? 500 : 429 });
    }
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      answered(status);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      this.send(res, match, status, body);
    };
    if (match.errors.length > 0) {
      this.violations.push({ operationId: op, method: match.operation.method, path: url.pathname + url.search, errors: match.errors });
      return reply(400, { title: 'Bad Request', status: 400, detail: match.errors.join('; ') });
    }
    if (op === 'getToken') return this.token(req, match, reply);
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !this.tokens.has(auth) || req.headers['x-app-key'] !== APP_KEY) return reply(401, { title: 'Unauthorized', status: 401 });
    if (match.pathParams.hotelId !== HOTEL_ID || req.headers['x-hotelid'] !== HOTEL_ID) return reply(404, { title: 'Not Found', status: 404, detail: 'unknown hotel' });
    const limitError = (detail: string) => {
      this.violations.push({ operationId: op, method: match.operation.method, path: url.pathname + url.search, errors: [detail] });
      return reply(400, { title: 'Bad Request', status: 400, detail });
    };
    switch (op) {
      case 'startRevenueInventoryStatisticsProcess': {
        const body = match.body as { dateRangeStart?: string; dateRangeEnd?: string };
        if (!body.dateRangeStart || !body.dateRangeEnd || body.dateRangeEnd < body.dateRangeStart) return limitError('dateRangeStart and dateRangeEnd are required, start first');
        if (span(body.dateRangeStart, body.dateRangeEnd) > 94) return limitError('the date range exceeds 94 days');
        const id = randomUUID();
        this.processes.set(id, { from: body.dateRangeStart, to: body.dateRangeEnd, polls: 0 });
        return reply(202, undefined, { location: `${url.pathname}/${id}` });
      }
      case 'getRevenueInventoryStatisticsProcessStatus': {
        const process = this.processes.get(match.pathParams.requestId as string);
        if (!process) return reply(404, { title: 'Not Found', status: 404 });
        // The first poll finds the process still running, as a real one usually is.
        process.polls += 1;
        if (process.polls === 1) return reply(200, undefined, { status: 'Processing', 'cache-control': 'max-age=0' });
        return reply(201, undefined, { status: 'Completed', location: url.pathname });
      }
      case 'getRevenueInventoryStatistics': {
        const process = this.processes.get(match.pathParams.requestId as string);
        if (!process || process.polls < 2) return reply(404, { title: 'Not Found', status: 404 });
        return reply(200, {
          revInvStats: dates(process.from, process.to).map((date) => {
            const d = this.dataset.day(date);
            return {
              property: HOTEL_ID,
              occupancyDate: date,
              physicalRooms: String(d.physicalRooms),
              ooRooms: String(d.ooRooms),
              osRooms: String(d.osRooms),
              roomsSold: String(d.roomsSold),
              roomRevenue: money(d.roomRevenueCents),
              roomArrivals: String(d.arrivals),
              roomDepartures: String(d.departures),
              foodRevenue: money(d.foodRevenueCents),
              totalRevenue: money(d.roomRevenueCents + d.foodRevenueCents),
            };
          }),
        });
      }
      case 'getInventoryStatistics':
        return this.inventoryStatistics(url.searchParams, reply, limitError);
      case 'getFinancialPostings':
        return this.financialPostings(url.searchParams, reply, limitError);
      case 'getRoomRevenueTrxCodesLOV': {
        const items = TRANSACTION_CODES.filter((c) => 'roomRevenue' in c && c.roomRevenue).map((c) => ({ code: c.transactionCode, name: c.description, description: c.description, active: true }));
        return reply(200, { listOfValues: { items, lovName: 'RoomRevenueTrxCodes', itemCount: items.length } });
      }
      default:
        return reply(404, { title: 'Not Found', status: 404 });
    }
  }

  private token(req: IncomingMessage, match: Match, reply: (status: number, body?: unknown) => void): void {
    const form = match.body as Record<string, string>;
    const client = basicClient(req.headers.authorization);
    if (form.grant_type !== 'client_credentials' || !form.scope) return reply(400, { title: 'Bad Request', status: 400, detail: 'client_credentials with a scope expected' });
    if (client?.id !== CLIENT_ID || client.secret !== CLIENT_SECRET || req.headers['x-app-key'] !== APP_KEY) return reply(401, { title: 'Unauthorized', status: 401 });
    const token = randomUUID();
    this.tokens.add(token);
    reply(200, { access_token: token, expires_in: 3600, token_type: 'Bearer', oracle_tk_context: 'client_credentials' });
  }

  private inventoryStatistics(q: URLSearchParams, reply: (status: number, body?: unknown) => void, limitError: (d: string) => void): void {
    const from = q.get('dateRangeStart') as string;
    const to = q.get('dateRangeEnd') as string;
    if (to < from || span(from, to) > 62) return limitError('the date range exceeds 62 days');
    const names = q.getAll('parameterName');
    const values = q.getAll('parameterValue');
    const wanted = (name: string) => values[names.indexOf(name)] === 'Y';
    const days = dates(from, to);
    const house = days.map((date) => {
      const d = this.dataset.day(date);
      const inventory: Array<{ code: string; value: number }> = [];
      if (wanted('HouseCompRoomsYN')) inventory.push({ code: 'HouseCompRooms', value: d.complimentary });
      if (wanted('HousePeopleInHouseYN')) inventory.push({ code: 'HousePeopleInHouse', value: d.personsInHouse });
      return { inventory, statisticDate: date, weekendDate: isWeekend(date) };
    });
    reply(200, [
      {
        statistics: [
          { statisticDate: house, statCode: HOTEL_ID, statCategoryCode: 'HotelCode' },
          ...ROOM_TYPES.map((t) => ({
            statisticDate: days.map((date) => ({ inventory: [{ value: 1, code: 'SequenceId' }], statisticDate: date, weekendDate: isWeekend(date) })),
            statCode: t.code,
            statCategoryCode: 'HotelRoomCode',
            statCodeClass: t.statCodeClass,
            description: t.description,
          })),
        ],
        hotelName: HOTEL_ID,
        reportCode: q.get('reportCode'),
      },
    ]);
  }

  private financialPostings(q: URLSearchParams, reply: (status: number, body?: unknown) => void, limitError: (d: string) => void): void {
    const from = q.get('startDate');
    const to = q.get('endDate');
    if (!from || !to || to < from || span(from, to) > 30) return limitError('startDate and endDate are required and may span at most 30 days');
    const limit = Number(q.get('limit') ?? 50);
    if (limit > 50) return limitError('the maximum allowable limit for this API is 50');
    const offset = Number(q.get('offset') ?? 0);
    const all = dates(from, to).flatMap((d) => this.dataset.postingsOf(d));
    const page = all.slice(offset, offset + limit);
    const codes = [...new Set(page.map((p) => p.transactionCode))].map((c) => {
      const { transactionCode, transactionGroup, transactionSubGroup, description } = TRANSACTION_CODES.find((t) => t.transactionCode === c)!;
      return { transactionCode, transactionGroup, transactionSubGroup, description, hotelId: HOTEL_ID };
    });
    const amount = (cents: number) => ({ amount: cents / 100, currencyCode: CURRENCY });
    reply(200, {
      journalPostings: {
        postings: page.map((p) => ({
          transactionNo: p.transactionNo,
          transactionCode: p.transactionCode,
          transactionDescription: TRANSACTION_CODES.find((t) => t.transactionCode === p.transactionCode)!.description,
          transactionType: p.transactionType,
          transactionAmount: p.amountCents / 100,
          postedAmount: amount(p.amountCents),
          ...(p.amountCents >= 0 ? { debitAmount: amount(p.amountCents) } : { creditAmount: amount(-p.amountCents) }),
          transactionDate: p.date,
          revenueDate: p.date,
          postingDate: p.date,
          hotelId: HOTEL_ID,
        })),
        transactionCodes: codes,
      },
      offset,
      limit,
      count: page.length,
      totalResults: all.length,
      totalPages: Math.ceil(all.length / limit),
      hasMore: offset + page.length < all.length,
    });
  }

  private send(res: ServerResponse, match: Match | undefined, status: number, body: unknown): void {
    if (match && body !== undefined) {
      const errors = sharedValidator().responseErrors(match.operation, status, body);
      if (errors.length > 0) this.responseViolations.push({ operationId: match.operation.operationId, method: match.operation.method, path: '(response)', errors });
    }
    if (body === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

/** Starts a fake OHIP gateway on a free loopback port. */
export function startFakeOhip(options: { today: string }): Promise<FakeOhip> {
  return new FakeOhip(options).start();
}
