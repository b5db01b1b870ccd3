import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { ConnectorContext, PullResult, VendorHttp } from '../../../shared/connectors/connector.js';
import { mews } from '../../../shared/connectors/vendors/mews/index.js';
import { mewsCredentials, mewsSettings, type MewsCredentials, type MewsSettings } from '../../../shared/connectors/vendors/mews/settings.js';
import { cancelReservation, createMewsDataset, type MewsDataset } from '../../fakes/vendors/mews/dataset.js';
import { expectedDay, expectedRevenue, localDateOf, type ExpectationOptions } from '../../fakes/vendors/mews/expected.js';
import { ACCESS_TOKEN, CLIENT_TOKEN, startFakeMews, type FakeMews } from '../../fakes/vendors/mews/server.js';

const NOW = '2026-04-15T10:00:00Z';
const TODAY = '2026-04-15';
const RANGE = { from: '2026-02-01', to: '2026-05-31' };
const WEBHOOK_TOKEN = 'whk-0123456789abcdef0123';

let data: MewsDataset;
let fake: FakeMews;

const options = (): ExpectationOptions => ({
  complimentaryRateIds: [data.complimentaryRateId],
  // Codes of the fake's accounting categories: the Classification defaults, and the override the settings give '100'.
  departmentByCode: { '345': 'ROOMS', '100': 'FB', '200': 'FB', '300': 'SPA', '900': null },
});

function http(timeoutMs = 5_000): VendorHttp {
  return createVendorHttp({
    vendor: 'mews',
    circuitKey: 'mews-test',
    circuits: new Circuits(),
    timeoutMs,
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

function ctx(h: VendorHttp = http()): ConnectorContext<MewsSettings, MewsCredentials> {
  return {
    settings: mewsSettings.parse({
      baseUrl: fake.url,
      enterpriseId: data.enterpriseId,
      serviceId: data.serviceId,
      complimentaryRateIds: [data.complimentaryRateId],
      departments: { byCategoryCode: { '100': 'FB' } },
      pageSize: 250,
    }),
    credentials: mewsCredentials.parse({ clientToken: CLIENT_TOKEN, accessToken: ACCESS_TOKEN, webhookToken: WEBHOOK_TOKEN }),
    http: h,
    timeZone: data.timeZone,
    today: TODAY,
  };
}

const recordsOf = (r: PullResult, type: string) => r.batches.filter((b) => b.sourceType === type).flatMap((b) => b.records);

function expectDaysMatch(result: PullResult, dates: string[]): void {
  const pms = new Map(recordsOf(result, 'pms').map((r) => [r.date as string, r]));
  for (const date of dates) {
    const rec = pms.get(date);
    expect(rec).toBeDefined();
    expect({ ...rec, id: undefined, date: undefined, kind: undefined }).toEqual({ ...expectedDay(data, date, options()), id: undefined, date: undefined, kind: undefined });
    expect(rec!.kind).toBe(date < TODAY ? 'actual' : 'onTheBooks');
    expect(rec!.id).toBe(`mews:${data.enterpriseId}:pms:${date}`);
  }
  const ams = recordsOf(result, 'ams');
  for (const date of dates.filter((d) => d < TODAY)) {
    const got = Object.fromEntries(ams.filter((r) => r.date === date).map((r) => [r.department as string, r.amount as number]));
    expect(got).toEqual(expectedRevenue(data, date, options()));
  }
  expect(ams.every((r) => (r.date as string) < TODAY && r.account === 'MEWS-REVENUE' && r.kind === 'actual')).toBe(true);
}

function allDates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) out.push(d);
  return out;
}

beforeEach(async () => {
  data = createMewsDataset({ from: '2026-01-20', to: '2026-06-15', nowUtc: NOW });
  fake = await startFakeMews(data);
});
afterEach(async () => {
  await fake.stop();
});

describe('Mews mapping', () => {
  test('a backfill gives, for every business date, the figures the dataset implies', async () => {
    const result = await mews.backfill(ctx(), RANGE);
    const dates = allDates(RANGE.from, RANGE.to);
    expect(recordsOf(result, 'pms')).toHaveLength(dates.length);
    expectDaysMatch(result, dates);
    // The dataset is not trivial: sold, complimentary and out-of-order rooms, revenue in several departments.
    const pms = recordsOf(result, 'pms');
    expect(pms.some((r) => (r.roomsSold as number) > 5)).toBe(true);
    expect(pms.some((r) => (r.complimentary as number) > 0)).toBe(true);
    expect(pms.some((r) => (r.outOfOrder as number) > 0)).toBe(true);
    expect(new Set(recordsOf(result, 'ams').map((r) => r.department))).toEqual(new Set(['FB', 'SPA']));
    expect(result.objectsRead).toBeGreaterThan(data.reservations.length / 2);
  });

  test('a cancellation seen by the next pull recomputes its days without it', async () => {
    const stay = data.reservations.find((r) => r.State === 'Confirmed' && localDateOf(r.ScheduledStartUtc as string, data.timeZone) > '2026-04-20')!;
    const before = await mews.backfill(ctx(), RANGE);
    data.nowUtc = '2026-04-15T11:00:00Z';
    cancelReservation(data, stay.Id as string);
    const pulled = await mews.pull(ctx(), { from: '2026-04-15T10:30:00Z', to: '2026-04-15T11:30:00Z' });
    const arrival = localDateOf(stay.ScheduledStartUtc as string, data.timeZone);
    const pms = recordsOf(pulled, 'pms');
    expect(pms.map((r) => r.date)).toContain(arrival);
    expectDaysMatch(pulled, pms.map((r) => r.date as string));
    const old = recordsOf(before, 'pms').find((r) => r.date === arrival)!;
    const now = pms.find((r) => r.date === arrival)!;
    expect(now.id).toBe(old.id);
    expect((old.arrivals as number) - (now.arrivals as number)).toBe(1);
  });

  test('a pull with no change recomputes only the days its window spans', async () => {
    const pulled = await mews.pull(ctx(), { from: '2026-04-15T10:30:00Z', to: '2026-04-15T11:30:00Z' });
    expect(recordsOf(pulled, 'pms').map((r) => r.date)).toEqual([TODAY]);
  });
});

describe('Mews contract (requests valid against the published reference)', () => {
  test('every request of a backfill and a pull is valid; the pull walks a long window in slices of at most 3 months', async () => {
    await mews.backfill(ctx(), RANGE);
    await mews.pull(ctx(), { from: '2025-12-01T00:00:00Z', to: '2026-04-15T10:00:00Z' });
    expect(fake.violations).toEqual([]);
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
    const ops = new Set(fake.requests.map((r) => r.operation));
    for (const op of ['configuration/get', 'reservations/getAll/2023-06-06', 'orderItems/getAll', 'resources/getAll', 'resourceCategories/getAll', 'resourceCategoryAssignments/getAll', 'resourceBlocks/getAll', 'accountingCategories/getAll']) {
      expect(ops).toContain(op);
    }
    // Paged: some list answered in more than one page (Count 250 in these settings).
    expect(fake.requests.some((r) => (r.body.Limitation as { Cursor?: string } | undefined)?.Cursor)).toBe(true);
  });

  test('an invalid request is caught: the check can fail', async () => {
    const bad = await fetch(`${fake.url}/api/connector/v1/reservations/getAll/2023-06-06`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ClientToken: CLIENT_TOKEN,
        AccessToken: ACCESS_TOKEN,
        Client: 'test',
        UpdatedUtc: { StartUtc: '2026-01-01T00:00:00Z', EndUtc: '2026-05-01T00:00:00Z' },
        States: ['Cancelled'],
        ServiceIds: ['not-a-guid'],
        Limitation: { Count: 5000 },
        Extent: { Reservations: true },
      }),
    });
    expect(bad.status).toBe(400);
    const messages = fake.violations.map((v) => `${v.instancePath} ${v.message}`).join('\n');
    expect(messages).toMatch(/\/UpdatedUtc .*3 months/);
    expect(messages).toMatch(/\/States\/0/);
    expect(messages).toMatch(/\/ServiceIds\/0 .*uuid/);
    expect(messages).toMatch(/\/Limitation\/Count .*<= 1000/);
    expect(messages).toMatch(/additional properties: Extent/);
  });

  test('wrong tokens are refused like Mews does (401)', async () => {
    const c = ctx();
    await expect(mews.backfill({ ...c, credentials: { ...c.credentials, accessToken: 'nope' } }, { from: TODAY, to: TODAY })).rejects.toMatchObject({ name: 'VendorError' });
    expect(fake.requests.at(-1)!.status).toBe(401);
  });
});

describe('Mews push (General Webhooks)', () => {
  const message = (events: Array<[string, string]>, enterpriseId = data.enterpriseId) =>
    Buffer.from(JSON.stringify({ EnterpriseId: enterpriseId, IntegrationId: 'c8bee838-7fb1-4f4e-8fac-ac87008b2f90', Events: events.map(([Discriminator, Id]) => ({ Discriminator, Value: { Id } })) }));

  test('the shared token in the URL authenticates, compared in constant time', () => {
    const creds = ctx().credentials;
    const req = (query: Record<string, string>) => ({ headers: {}, query, body: Buffer.alloc(0) });
    expect(mews.push!.authenticate(req({ Token: WEBHOOK_TOKEN }), creds)).toBe(true);
    expect(mews.push!.authenticate(req({ Token: `${WEBHOOK_TOKEN}x` }), creds)).toBe(false);
    expect(mews.push!.authenticate(req({ token: WEBHOOK_TOKEN }), creds)).toBe(false);
    expect(mews.push!.authenticate(req({}), creds)).toBe(false);
    expect(mews.push!.authenticate(req({ Token: WEBHOOK_TOKEN }), { ...creds, webhookToken: undefined })).toBe(false);
  });

  test('ids are fetched back and the days they touch recomputed; other events and enterprises are no work', async () => {
    const stay = data.reservations.find((r) => r.State === 'Confirmed')!;
    data.nowUtc = '2026-04-15T11:00:00Z';
    cancelReservation(data, stay.Id as string);
    const block = data.resourceBlocks.find((b) => b.IsActive && b.Type === 'OutOfOrder')!;
    const result = await mews.push!.handle(ctx(), {
      headers: {},
      query: { Token: WEBHOOK_TOKEN },
      body: message([
        ['ServiceOrderUpdated', stay.Id as string],
        ['ServiceOrderUpdated', stay.Id as string],
        ['ResourceBlockUpdated', block.Id as string],
        ['CustomerAdded', 'c2f1d888-232e-49eb-87ac-5f75363af13b'],
      ]),
    });
    const dates = recordsOf(result, 'pms').map((r) => r.date as string);
    expect(dates).toContain(localDateOf(stay.ScheduledStartUtc as string, data.timeZone));
    expect(dates).toContain(localDateOf(block.StartUtc as string, data.timeZone));
    expectDaysMatch(result, dates);
    expect(fake.violations).toEqual([]);

    const requests = fake.requests.length;
    expect((await mews.push!.handle(ctx(), { headers: {}, query: {}, body: message([['CustomerUpdated', stay.Id as string]]) })).batches).toEqual([]);
    expect((await mews.push!.handle(ctx(), { headers: {}, query: {}, body: message([['ServiceOrderUpdated', stay.Id as string]], '4d0201db-36f5-428b-8d11-4f0a65e960cc') })).batches).toEqual([]);
    expect((await mews.push!.handle(ctx(), { headers: {}, query: {}, body: Buffer.from('not json') })).batches).toEqual([]);
    expect(fake.requests.length).toBe(requests);
  });
});

describe('Mews settings', () => {
  const base = { enterpriseId: '851df8c8-90f2-4c4a-8e01-a4fc46b25178', serviceId: 'bd26d8db-86da-4f96-9efc-e5a4654a4a94' };
  test('the tokens go to an https address only (plain http to this machine for the fake)', () => {
    expect(mewsSettings.parse(base).baseUrl).toBe('https://api.mews.com');
    expect(mewsSettings.safeParse({ ...base, baseUrl: 'https://api.mews-demo.com' }).success).toBe(true);
    expect(mewsSettings.safeParse({ ...base, baseUrl: 'http://127.0.0.1:8080' }).success).toBe(true);
    expect(mewsSettings.safeParse({ ...base, baseUrl: 'http://api.mews.com' }).success).toBe(false);
    expect(mewsSettings.safeParse({ ...base, baseUrl: 'http://169.254.169.254' }).success).toBe(false);
    expect(mewsSettings.safeParse({ ...base, unknown: 1 }).success).toBe(false);
  });
});
