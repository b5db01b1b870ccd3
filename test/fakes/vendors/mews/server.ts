import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody, type LoopbackServer } from '../loopback.js';
import type { MewsDataset } from './dataset.js';
import { intervalWithin, MEWS_FILES, MEWS_OPERATIONS, MewsSpec, type Violation } from './spec.js';

/**
 * A fake Mews Connector API on a free loopback port, answering from a `MewsDataset`. It checks
 * every request body against the request schema of Mews's published reference (MewsSpec) and
 * answers 400 with the violations, which it also records: a contract test asserts the list is
 * empty. It honours what the reference documents for the operations the connector calls: tokens,
 * the id and state filters, the time-interval filters (start inclusive, end exclusive, equality
 * when both are equal; at most three months), and cursor paging with `Limitation.Count` at most
 * 1000. Faults (500, 429 with Retry-After, a request that never answers) are injected on demand.
 */

type Obj = Record<string, unknown>;
type Interval = { StartUtc: string; EndUtc: string };

export interface Fault {
  kind: '500' | '429' | 'hang';
  /** Only requests to this operation (e.g. `orderItems/getAll`); any when absent. */
  operation?: string;
  /** Let this many matching requests through first. */
  after?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Seconds for Retry-After on a 429 (default 0). */
  retryAfter?: number;
}

export interface RecordedRequest {
  operation: string;
  body: Obj;
  status: number;
}

export const CLIENT_TOKEN = 'E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D';
export const ACCESS_TOKEN = 'C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D';

let spec: MewsSpec | undefined;
function theSpec(): MewsSpec {
  spec ??= new MewsSpec(MEWS_FILES, MEWS_OPERATIONS);
  return spec;
}

const PREFIX = '/api/connector/v1/';

function inInterval(value: unknown, interval: Interval | null | undefined): boolean {
  if (!interval) return true;
  if (typeof value !== 'string') return false;
  const v = Date.parse(value);
  const s = Date.parse(interval.StartUtc);
  const e = Date.parse(interval.EndUtc);
  return s === e ? v === s : s <= v && v < e;
}

function colliding(start: unknown, end: unknown, interval: Interval | null | undefined): boolean {
  if (!interval) return true;
  return Date.parse(String(start)) < Date.parse(interval.EndUtc) && Date.parse(String(end)) > Date.parse(interval.StartUtc);
}

const within = (value: unknown, list: unknown) => !Array.isArray(list) || list.includes(value);

export class FakeMews {
  readonly violations: Violation[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  private server?: LoopbackServer;
  private readonly matched = new Map<Fault, number>();
  url = '';

  constructor(readonly data: MewsDataset) {}

  async start(): Promise<this> {
    this.server = await listenOnLoopback((req, res) => void this.handle(req, res));
    this.url = this.server.url;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0]!;
    const operation = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path;
    let body: Obj;
    try {
      body = JSON.parse(text) as Obj;
    } catch {
      this.requests.push({ operation, body: {}, status: 400 });
      return send(400, { Message: 'Invalid JSON' });
    }
    const record = (status: number) => this.requests.push({ operation, body, status });
    // The reference: POST only, exact address, else 404.
    if (req.method !== 'POST' || !theSpec().operations.has(path)) {
      record(404);
      return send(404, { Message: 'Not found' });
    }
    const fault = this.faultFor(operation);
    if (fault) {
      record(fault.kind === 'hang' ? 0 : Number(fault.kind));
      if (fault.kind === 'hang') return; // never answers; the socket is destroyed at stop()
      if (fault.kind === '429') return send(429, { Message: 'Too many requests' }, { 'retry-after': String(fault.retryAfter ?? 0) });
      return send(500, { Message: 'Internal server error' });
    }
    const violations = theSpec().validate(path, body);
    if (violations.length > 0) {
      this.violations.push(...violations);
      record(400);
      return send(400, { Message: 'Invalid request', Details: violations });
    }
    if (body.ClientToken !== CLIENT_TOKEN || body.AccessToken !== ACCESS_TOKEN) {
      record(401);
      return send(401, { Message: 'Invalid ClientToken or AccessToken' });
    }
    const answer = this.answer(operation, body);
    record(answer.status);
    send(answer.status, answer.body);
  }

  private faultFor(operation: string): Fault | undefined {
    for (const f of this.faults) {
      if (f.operation && f.operation !== operation) continue;
      const seen = (this.matched.get(f) ?? 0) + 1;
      this.matched.set(f, seen);
      const after = f.after ?? 0;
      if (seen > after && seen <= after + (f.times ?? 1)) return f;
    }
    return undefined;
  }

  /** One page of `items` after `Limitation.Cursor`, in a stable order (by id). */
  private page(key: string, items: Obj[], body: Obj): { status: number; body: unknown } {
    const limitation = body.Limitation as { Count: number; Cursor?: string | null };
    const sorted = [...items].sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
    let from = 0;
    if (limitation.Cursor) {
      const at = sorted.findIndex((i) => i.Id === limitation.Cursor);
      if (at < 0) return { status: 400, body: { Message: 'Invalid Cursor' } };
      from = at + 1;
    }
    const slice = sorted.slice(from, from + limitation.Count);
    return { status: 200, body: { [key]: slice, Cursor: slice.length > 0 ? slice[slice.length - 1]!.Id : null } };
  }

  private answer(operation: string, body: Obj): { status: number; body: unknown } {
    const d = this.data;
    const enterprise = (x: Obj) => within(x.EnterpriseId ?? d.enterpriseId, body.EnterpriseIds);
    // Filters the reference limits to three months; the schema already refused longer ones.
    for (const k of ['UpdatedUtc', 'CollidingUtc', 'ConsumedUtc', 'CreatedUtc', 'ClosedUtc', 'CanceledUtc'] as const) {
      if (body[k] && !intervalWithin(body[k], 3)) return { status: 400, body: { Message: `Invalid ${k}` } };
    }
    switch (operation) {
      case 'configuration/get':
        if (body.EnterpriseId && body.EnterpriseId !== d.enterpriseId) return { status: 400, body: { Message: 'Invalid EnterpriseId' } };
        return { status: 200, body: { ...d.configuration, NowUtc: d.nowUtc } };
      case 'resourceCategories/getAll':
        return this.page(
          'ResourceCategories',
          d.resourceCategories.filter((c) => enterprise(c) && within(c.ServiceId, body.ServiceIds) && within(c.Id, body.ResourceCategoryIds) && activity(c, body.ActivityStates)),
          body,
        );
      case 'resourceCategoryAssignments/getAll':
        return this.page(
          'ResourceCategoryAssignments',
          d.resourceCategoryAssignments.filter((a) => within(a.CategoryId, body.ResourceCategoryIds) && within(a.ResourceId, body.ResourceIds) && activity(a, body.ActivityStates)),
          body,
        );
      case 'resources/getAll': {
        const extent = (body.Extent ?? {}) as { Resources?: boolean; Inactive?: boolean };
        const items = extent.Resources
          ? d.resources.filter((r) => enterprise(r) && within(r.Id, body.ResourceIds) && (extent.Inactive || r.IsActive) && inInterval(r.UpdatedUtc, body.UpdatedUtc as Interval))
          : [];
        return this.page('Resources', items, body);
      }
      case 'accountingCategories/getAll':
        return this.page('AccountingCategories', d.accountingCategories.filter((a) => enterprise(a) && within(a.Id, body.AccountingCategoryIds) && activity(a, body.ActivityStates)), body);
      case 'reservations/getAll/2023-06-06':
        return this.page(
          'Reservations',
          d.reservations.filter(
            (r) =>
              enterprise(r) &&
              within(r.Id, body.ReservationIds) &&
              within(r.ServiceId, body.ServiceIds) &&
              within(r.State, body.States) &&
              within(r.AssignedResourceId, body.AssignedResourceIds) &&
              inInterval(r.UpdatedUtc, body.UpdatedUtc as Interval) &&
              inInterval(r.CreatedUtc, body.CreatedUtc as Interval) &&
              inInterval(r.ScheduledStartUtc, body.ScheduledStartUtc as Interval) &&
              inInterval(r.ScheduledEndUtc, body.ScheduledEndUtc as Interval) &&
              colliding(r.ScheduledStartUtc, r.ScheduledEndUtc, body.CollidingUtc as Interval),
          ),
          body,
        );
      case 'orderItems/getAll': {
        const filters = ['OrderItemIds', 'ServiceOrderIds', 'ServiceIds', 'BillIds', 'AccountIds', 'CreatedUtc', 'UpdatedUtc', 'ConsumedUtc', 'CanceledUtc', 'ClosedUtc'];
        if (!filters.some((f) => body[f])) return { status: 400, body: { Message: 'At least one filter must be specified' } };
        return this.page(
          'OrderItems',
          d.orderItems.filter(
            (i) =>
              enterprise(i) &&
              within(i.Id, body.OrderItemIds) &&
              within(i.ServiceOrderId, body.ServiceOrderIds) &&
              within(i.ServiceId, body.ServiceIds) &&
              within(i.AccountingState, body.AccountingStates) &&
              within(i.Type, body.Types) &&
              inInterval(i.CreatedUtc, body.CreatedUtc as Interval) &&
              inInterval(i.UpdatedUtc, body.UpdatedUtc as Interval) &&
              inInterval(i.ConsumedUtc, body.ConsumedUtc as Interval) &&
              (!body.CanceledUtc || inInterval(i.CanceledUtc, body.CanceledUtc as Interval)) &&
              (!body.ClosedUtc || inInterval(i.ClosedUtc, body.ClosedUtc as Interval)),
          ),
          body,
        );
      }
      case 'resourceBlocks/getAll':
        return this.page(
          'ResourceBlocks',
          d.resourceBlocks.filter(
            (b) =>
              enterprise(b) &&
              within(b.Id, body.ResourceBlockIds) &&
              within(b.AssignedResourceId, body.AssignedResourceIds) &&
              activity(b, body.ActivityStates ?? ['Active']) &&
              inInterval(b.UpdatedUtc, body.UpdatedUtc as Interval) &&
              inInterval(b.CreatedUtc, body.CreatedUtc as Interval) &&
              colliding(b.StartUtc, b.EndUtc, body.CollidingUtc as Interval),
          ),
          body,
        );
      default:
        return { status: 404, body: { Message: 'Not found' } };
    }
  }
}

function activity(item: Obj, states: unknown): boolean {
  if (!Array.isArray(states)) return true;
  return states.includes(item.IsActive === false ? 'Deleted' : 'Active');
}

/** Starts a fake Mews on a free port. */
export async function startFakeMews(data: MewsDataset): Promise<FakeMews> {
  return new FakeMews(data).start();
}
