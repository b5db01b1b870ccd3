import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { TokenCache } from '../../../shared/connectors/http/oauth-tokens.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { CanonicalBatch, ConnectorContext, PushRequest, VendorHttp, VendorRequest } from '../../../shared/connectors/connector.js';
import { apaleo } from '../../../shared/connectors/vendors/apaleo/index.js';
import { apaleoSettings, type ApaleoCredentials, type ApaleoSettings } from '../../../shared/connectors/vendors/apaleo/settings.js';
import { addDays, type Json } from '../../fakes/vendors/apaleo/dataset.js';
import { expectedDay } from '../../fakes/vendors/apaleo/expected.js';
import { startApaleoFake, type ApaleoFake } from '../../fakes/vendors/apaleo/server.js';

/**
 * The apaleo connector against the fake apaleo, which checks every request against apaleo's published
 * Swagger documents: a backfill, a pull and a push send only valid requests (the fake's violation list
 * stays empty), a deliberately invalid request is caught, and the records equal the figures the fake's
 * data implies (test/fakes/vendors/apaleo/expected.ts).
 */

const TODAY = '2026-03-15';
const credentials: ApaleoCredentials = { clientId: 'PMI-APALEO', clientSecret: 'fake-apaleo-client-secret', webhookToken: 'apaleo-url-token-0123456789abcdef' };
let fake: ApaleoFake;
let ctx: ConnectorContext<ApaleoSettings, ApaleoCredentials>;
let http: VendorHttp;

beforeAll(async () => {
  fake = await startApaleoFake({ from: '2025-12-20', to: '2026-05-31', today: TODAY });
  const settings = apaleoSettings.parse({ propertyId: 'MUC', apiBaseUrl: fake.url, identityBaseUrl: fake.url, excludedUnitGroupIds: ['MUC-MEET'], complimentaryRatePlanCodes: ['COMP'] });
  http = createVendorHttp({ vendor: 'apaleo', circuitKey: 'apaleo-contract', tokenRequest: apaleo.tokenRequest!(settings, credentials), circuits: new Circuits(), tokens: new TokenCache() });
  ctx = { settings, credentials, http, timeZone: 'Europe/Berlin', today: TODAY };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.violations.length = 0;
  fake.requests.length = 0;
});

const records = (batches: CanonicalBatch[], type: string) => batches.filter((b) => b.sourceType === type).flatMap((b) => b.records);

function expectFiguresOfTheFake(batches: CanonicalBatch[]) {
  const pms = records(batches, 'pms');
  const ams = records(batches, 'ams');
  expect(pms.length).toBeGreaterThan(0);
  for (const r of pms) {
    const date = String(r.date);
    const { revenue, ...day } = expectedDay(fake.data, date);
    expect({ date, ...r }).toEqual({ date, id: date < TODAY ? `apaleo:MUC:${date}` : `apaleo:MUC:${date}:otb`, kind: date < TODAY ? 'actual' : 'onTheBooks', ...day });
    const posted = Object.fromEntries(ams.filter((a) => a.date === date).map((a) => [a.department, a.amount]));
    expect(posted).toEqual(date < TODAY ? revenue : {});
  }
}

describe('apaleo connector against apaleo’s published specification', () => {
  it('backfills business dates with valid requests only, one token, and the figures the data implies', async () => {
    const result = await apaleo.backfill(ctx, { from: '2026-01-01', to: '2026-04-30' });
    expect(fake.violations).toEqual([]);
    expect(fake.tokensIssued).toBe(1);
    expect(records(result.batches, 'pms')).toHaveLength(120);
    expect(records(result.batches, 'ams')).toHaveLength(73 * 2);
    expectFiguresOfTheFake(result.batches);
    // Business dates in chunks of the manifest's window, read page by page.
    const stays = fake.requests.filter((r) => r.path === '/booking/v1/reservations');
    expect(stays.length).toBeGreaterThanOrEqual(4);
    expect(stays.every((r) => r.query.dateFilter?.[0] === 'Stay' && r.query.expand?.[0] === 'timeSlices')).toBe(true);
    expect(fake.requests.every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
    expect(result.objectsRead).toBeGreaterThan(100);
  });

  it('pulls a modified-since window: a cancellation recomputes the days it held, with valid requests only', async () => {
    const cancelledAt = '2026-03-15T09:30:00Z';
    const past = fake.data.reservations.find((r) => r.status === 'CheckedOut' && String(r.arrival) > '2026-02-01' && (r.timeSlices as Json[]).length >= 2)!;
    const future = fake.data.reservations.find((r) => r.status === 'Confirmed' && String(r.arrival) > '2026-04-01')!;
    fake.cancel(String(past.id), cancelledAt);
    fake.cancel(String(future.id), cancelledAt);
    const result = await apaleo.pull(ctx, { from: '2026-03-15T09:00:00.000Z', to: '2026-03-15T10:00:00.000Z' });
    expect(fake.violations).toEqual([]);
    const modified = fake.requests.find((r) => r.query.dateFilter?.[0] === 'Modification')!;
    expect(modified.query).toMatchObject({ from: ['2026-03-15T09:00:00Z'], to: ['2026-03-15T10:00:00Z'] });
    const dates = records(result.batches, 'pms').map((r) => r.date);
    for (const r of [past, future]) for (const s of r.timeSlices as Json[]) expect(dates).toContain(s.serviceDate);
    expect(dates).toEqual(expect.arrayContaining([addDays(TODAY, -1), TODAY]));
    expectFiguresOfTheFake(result.batches);
  });

  it('catches a request that is invalid against the specification', async () => {
    const base = `${fake.url}/booking/v1/reservations`;
    const invalid: Array<{ query: VendorRequest['query']; says: RegExp }> = [
      { query: { propertyIds: 'MUC', dateFilter: 'Stay', from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00Z' }, says: /fractional second/ },
      { query: { propertyIds: 'MUC', dateFilter: 'Stay', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, says: /'to' must be larger than 'from'/ },
      { query: { propertyIds: 'MUC', status: ['Confirmed', 'InHouse'] }, says: /given 2 times/ },
      { query: { propertyId: 'MUC' }, says: /'propertyId' is not declared/ },
      { query: { dateFilter: 'Modified', from: '2026-03-01T00:00:00Z' }, says: /'dateFilter' .*allowed values/ },
      { query: { pageSize: 'ten' }, says: /'pageSize' .*integer/ },
    ];
    for (const { query, says } of invalid) {
      fake.violations.length = 0;
      await expect(http.send({ method: 'GET', url: base, query })).rejects.toMatchObject({ reason: 'rejected', status: 400 });
      expect(fake.violations.join('\n')).toMatch(says);
    }
    fake.violations.length = 0;
    await expect(http.send({ method: 'GET', url: `${fake.url}/booking/v1/reservation-actions/X/checkin` })).rejects.toMatchObject({ status: 404 });
    expect(fake.violations.join('\n')).toMatch(/no such operation/);
  });
});

describe('apaleo push (thin webhooks)', () => {
  const push = (body: unknown, query: Record<string, string> = { token: credentials.webhookToken! }, headers: Record<string, string> = {}): PushRequest => ({ headers, query, body: Buffer.from(JSON.stringify(body)) });

  it('authenticates the URL token or basic auth in constant time, and nothing when neither is configured', () => {
    const auth = apaleo.push!.authenticate;
    expect(auth(push({}), credentials)).toBe(true);
    expect(auth(push({}, { token: 'apaleo-url-token-0123456789abcdeX' }), credentials)).toBe(false);
    expect(auth(push({}, {}), credentials)).toBe(false);
    const basic = { clientId: 'a', clientSecret: 'b', webhookBasic: { username: 'apaleo', password: 'correct horse battery' } };
    const header = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    expect(auth(push({}, {}, header('apaleo', 'correct horse battery')), basic)).toBe(true);
    expect(auth(push({}, {}, header('apaleo', 'correct horse batterz')), basic)).toBe(false);
    expect(auth(push({}, {}, header('apaleo', 'correct horse battery')), { ...basic, webhookToken: credentials.webhookToken })).toBe(false);
    expect(auth(push({}), { clientId: 'a', clientSecret: 'b' })).toBe(false);
  });

  it('answers the health check without calling apaleo, and ignores topics it does not read', async () => {
    const health = await apaleo.push!.handle(ctx, push({ id: 'e1', topic: 'System', type: 'healthcheck', accountId: 'DEMO', timestamp: 1773567000 }));
    expect(health).toEqual({ batches: [], objectsRead: 0, healthCheck: true });
    const folio = await apaleo.push!.handle(ctx, push({ id: 'e2', topic: 'Folio', type: 'charge-posted', propertyId: 'MUC', data: { entityId: 'F-1' } }));
    expect(folio.batches).toEqual([]);
    expect(fake.requests).toEqual([]);
    await expect(apaleo.push!.handle(ctx, { headers: {}, query: {}, body: Buffer.from('not json') })).rejects.toMatchObject({ status: 400 });
  });

  it('reads a reservation event’s reservation back and recomputes its days; a duplicate recomputes the same records', async () => {
    const r = fake.data.reservations.find((x) => x.status === 'Confirmed' && String(x.arrival) > '2026-04-10')!;
    const event = { id: 'e3', topic: 'Reservation', type: 'changed', accountId: 'DEMO', propertyId: 'MUC', data: { entityId: r.id }, timestamp: 1773567000 };
    const first = await apaleo.push!.handle(ctx, push(event));
    const again = await apaleo.push!.handle(ctx, push(event));
    expect(fake.violations).toEqual([]);
    expect(fake.requests.some((q) => q.path === `/booking/v1/reservations/${String(r.id)}`)).toBe(true);
    expect(again).toEqual(first);
    const dates = records(first.batches, 'pms').map((x) => x.date);
    expect(dates).toEqual(expect.arrayContaining((r.timeSlices as Json[]).map((s) => s.serviceDate)));
    expectFiguresOfTheFake(first.batches);
    const unknown = await apaleo.push!.handle(ctx, push({ ...event, data: { entityId: 'NOPE-1' } }));
    expect(unknown.batches).toEqual([]);
  });
});
