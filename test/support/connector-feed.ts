import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Connector, PullResult } from '../../shared/connectors/connector.js';

/** The fake vendor's token: it must never reach a stored or shown error. */
export const TOKEN = 'feed-token-5f1d0c';

export interface Day {
  date: string;
  roomsSold: number;
  roomRevenue: number;
  updatedUtc: string;
}

/**
 * A fake vendor on a loopback port: a change feed by `updatedUtc` (`POST /changes`) and days by
 * business date (`POST /days`), the token in the body; on demand it answers an error status or holds
 * requests until released.
 */
export class FakeFeed {
  readonly days = new Map<string, Day>();
  readonly requests: Array<{ path: string; from: string; to: string }> = [];
  failWith: number | undefined;
  /** While set, requests wait for it. */
  hold: Promise<void> | undefined;
  url = '';
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { token?: string; from: string; to: string };
    this.requests.push({ path: req.url ?? '', from: body.from, to: body.to });
    if (this.hold) await this.hold;
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    // The vendor's error body quotes the token: it must never reach the stored or shown error.
    if (this.failWith) return answer(this.failWith, { error: `token ${TOKEN} refused` });
    if (body.token !== TOKEN) return answer(401, { error: 'bad token' });
    const all = [...this.days.values()];
    if (req.url === '/changes') return answer(200, { days: all.filter((d) => d.updatedUtc >= body.from && d.updatedUtc < body.to) });
    if (req.url === '/days') return answer(200, { days: all.filter((d) => d.date >= body.from && d.date <= body.to) });
    return answer(404, {});
  }
}

const settings = z.strictObject({ baseUrl: z.url() });
const credentials = z.strictObject({ token: z.string().min(1) });
const resultOf = (days: Day[]): PullResult => ({
  batches: days.length === 0 ? [] : [{ sourceType: 'pms', records: days.map((d) => ({ id: `day-${d.date}`, date: d.date, roomsAvailable: 100, roomsSold: d.roomsSold, roomRevenue: d.roomRevenue })) }],
  objectsRead: days.length,
});

/** A pull connector of `pms` daily statistics over FakeFeed, registered by tests through registerTestConnector. */
export const testFeed: Connector<typeof settings, typeof credentials> = {
  manifest: {
    id: 'runs-test-feed',
    name: 'Runs test feed',
    vendor: 'Test Vendor',
    sourceTypes: ['pms'],
    auth: 'mews-tokens',
    settings,
    credentials,
    // A daily schedule: nothing in this test is pulled by the timer unless asked.
    capabilities: { pull: true, push: false, maxWindowDays: 120, defaultSchedule: '0 0 0 * * *' },
  },
  async pull(ctx, window) {
    const res = await ctx.http.send({ method: 'POST', url: `${ctx.settings.baseUrl}/changes`, body: { token: ctx.credentials.token, from: window.from, to: window.to } });
    return resultOf((res.body as { days: Day[] }).days);
  },
  async backfill(ctx, range) {
    const res = await ctx.http.send({ method: 'POST', url: `${ctx.settings.baseUrl}/days`, body: { token: ctx.credentials.token, from: range.from, to: range.to } });
    return resultOf((res.body as { days: Day[] }).days);
  },
};
