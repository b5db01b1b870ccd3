import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { CanonicalBatch, ConnectorContext } from '../../../shared/connectors/connector.js';
import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { TokenCache } from '../../../shared/connectors/http/oauth-tokens.js';
import { VendorError } from '../../../shared/connectors/http/vendor-error.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import { SimphonyClient } from '../../../shared/connectors/vendors/simphony/client.js';
import { simphony } from '../../../shared/connectors/vendors/simphony/index.js';
import { mapDays } from '../../../shared/connectors/vendors/simphony/mapping.js';
import { simphonySettings, type SimphonyCredentials, type SimphonySettings } from '../../../shared/connectors/vendors/simphony/settings.js';
import { LOC, RVC_BANQUET, RVC_BAR, RVC_RESTAURANT, type Json } from '../../fakes/vendors/simphony/dataset.js';
import { requestErrors, startSimphonyFake, type SimphonyFake } from '../../fakes/vendors/simphony/server.js';

/**
 * The Simphony connector against the fake BI API, which checks every getGuestChecks and
 * getOperationsDailyTotals body against Oracle's documented request payload: a backfill sends only
 * valid requests (no violations), an invalid request is caught, the records carry the fake's daily
 * totals for closed dates and its checks for the open date, per outlet; the token is renewed with the
 * refresh grant when due, and a refused refresh signs in again.
 */

const ORG = 'HOTELORG';
const credentials: SimphonyCredentials = { clientId: 'simphony-client', username: 'bi-api-user', password: 'bi-api-password' };
let fake: SimphonyFake;
let ctx: ConnectorContext<SimphonySettings, SimphonyCredentials>;

beforeAll(async () => {
  fake = await startSimphonyFake({ org: ORG, ...credentials });
  const settings = simphonySettings.parse({ baseUrl: fake.url, orgShortName: ORG, locations: [{ locRef: LOC, outlet: 'HOTEL', byRevenueCenter: { [RVC_RESTAURANT]: 'REST', [RVC_BAR]: 'BAR' } }] });
  ctx = { settings, credentials, http: createVendorHttp({ vendor: 'Oracle Simphony', circuitKey: 'simphony-test', circuits: new Circuits() }), timeZone: 'Europe/Vienna', today: '2026-03-15' };
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.violations.length = 0;
  fake.requests.length = 0;
});

const records = (batches: CanonicalBatch[]) => batches.filter((b) => b.sourceType === 'pos').flatMap((b) => b.records);
const bodiesOf = (operation: string) => fake.requests.filter((r) => r.path.endsWith(`/${operation}`)).map((r) => r.body);
const tokenGrants = () => fake.requests.filter((r) => r.path.endsWith('/oauth2/token')).length;
/** One revenue center's totals in the fake's data. */
const totalsOf = (busDt: string, rvcNum: number) => ((fake.totals.find((t) => t.locRef === LOC && t.busDt === busDt)!.revenueCenters as Json[]).find((r) => r.rvcNum === rvcNum)!);
const taxOf = (...ids: number[]) =>
  fake.checks.filter((c) => ids.includes(c.guestCheckId as number)).reduce((s, c) => s + ((c.taxes as Json[])[0]?.taxCollTtl as number | undefined ?? 0), 0);

describe('Oracle Simphony connector', () => {
  it('backfills closed dates from the daily totals and the open date from guest checks, with valid requests only', async () => {
    const result = await simphony.backfill!(ctx, { from: '2026-03-13', to: '2026-03-16' });
    expect(fake.violations).toEqual([]);
    // The 16th is after the property's today: not asked, not written. The 15th is today: still open.
    expect(bodiesOf('getOperationsDailyTotals')).toEqual([
      { locRef: LOC, busDt: '2026-03-13' },
      { locRef: LOC, busDt: '2026-03-14' },
    ]);
    expect(bodiesOf('getGuestChecks')).toEqual([{ locRef: LOC, busDt: '2026-03-15' }]);
    const byKey = Object.fromEntries(records(result.batches).map((r) => [`${String(r.businessDate)} ${String(r.outlet)}`, r]));
    expect(Object.keys(byKey).sort()).toHaveLength(9);
    // Closed dates: Oracle's totals per revenue center (discounts positive: item and subtotal discounts together).
    expect(byKey['2026-03-13 REST']).toMatchObject({ id: `simphony:${LOC}:REST:2026-03-13`, netRevenue: 120.5, discounts: 0, covers: 4, checks: 1 });
    expect(byKey['2026-03-13 REST']!.tax).toBeCloseTo(totalsOf('2026-03-13', RVC_RESTAURANT).taxCollTtl as number, 9);
    expect(byKey['2026-03-13 BAR']).toMatchObject({ netRevenue: 74.4, discounts: 5, covers: 4, checks: 2 });
    expect(byKey['2026-03-14 REST']).toMatchObject({ netRevenue: 57.25, discounts: 3.5, covers: 3, checks: 2 });
    expect(byKey['2026-03-14 BAR']).toMatchObject({ netRevenue: 0, covers: 0, checks: 0 });
    // An unmapped revenue center posts to the location's outlet; another location's totals are not read.
    expect(byKey['2026-03-14 HOTEL']).toMatchObject({ netRevenue: 800, tax: 80, covers: 40, checks: 1 });
    // The open date from its checks: the bar check opened on the 14th and closed on the 15th counts on the 15th, the open one on the day it opened.
    expect(byKey['2026-03-15 REST']).toMatchObject({ netRevenue: 42, covers: 2, checks: 1 });
    expect(byKey['2026-03-15 REST']!.tax).toBeCloseTo(taxOf(1008), 9);
    expect(byKey['2026-03-15 BAR']).toMatchObject({ netRevenue: 28.5, covers: 2, checks: 2 });
    expect(byKey['2026-03-15 HOTEL']).toMatchObject({ netRevenue: 0, covers: 0, checks: 0 });
    // Four revenue centers' totals and the three checks answered for the 15th.
    expect(result.objectsRead).toBe(7);
  });

  it('recomputes a day to the same records with the same ids', async () => {
    const a = await simphony.backfill!(ctx, { from: '2026-03-14', to: '2026-03-15' });
    const b = await simphony.backfill!(ctx, { from: '2026-03-14', to: '2026-03-15' });
    expect(records(b.batches)).toEqual(records(a.batches));
  });

  it('a pull recomputes the business dates its window touches, the day before included', async () => {
    await simphony.pull!(ctx, { from: '2026-03-14T10:00:00Z', to: '2026-03-14T11:00:00Z' });
    expect(fake.violations).toEqual([]);
    expect(bodiesOf('getOperationsDailyTotals').map((b) => (b as Json).busDt)).toEqual(['2026-03-13', '2026-03-14']);
    expect(bodiesOf('getGuestChecks')).toEqual([]);
    fake.requests.length = 0;
    await simphony.pull!(ctx, { from: '2026-03-15T10:00:00Z', to: '2026-03-15T11:00:00Z' });
    expect(bodiesOf('getOperationsDailyTotals').map((b) => (b as Json).busDt)).toEqual(['2026-03-14']);
    expect(bodiesOf('getGuestChecks').map((b) => (b as Json).busDt)).toEqual(['2026-03-15']);
  });

  it('the fake catches a request off the documented payload', async () => {
    expect(requestErrors('getGuestChecks', { locRef: LOC, busDt: '2026-03-14', opnBusDt: '2026-03-14' })).toEqual([expect.stringContaining('exactly one of')]);
    expect(requestErrors('getGuestChecks', { busDt: '14.03.2026', extra: 1 })).toEqual(
      expect.arrayContaining([expect.stringContaining('busDt'), expect.stringContaining('extra'), expect.stringContaining('locRef: required')]),
    );
    // Daily totals take busDt only (no opnBusDt/clsdBusDt), and require it.
    expect(requestErrors('getOperationsDailyTotals', { locRef: LOC, opnBusDt: '2026-03-14' })).toEqual(
      expect.arrayContaining([expect.stringContaining('opnBusDt: not a documented field'), expect.stringContaining('busDt: required')]),
    );
    expect(requestErrors('getOperationsDailyTotals', { locRef: LOC, busDt: '2026-03-14' })).toEqual([]);
    // Through HTTP: a location reference longer than the documented 99 characters (settings refuse it; the fake must too).
    const unchecked = { ...ctx.settings, locations: [{ locRef: 'L'.repeat(120), byRevenueCenter: {} }] };
    const client = new SimphonyClient(ctx.http, unchecked, credentials, new TokenCache());
    await expect(client.dailyTotals('L'.repeat(120), '2026-03-14')).rejects.toMatchObject({ reason: 'rejected', status: 400 });
    expect(fake.violations).toEqual([expect.stringContaining('locRef: not a valid string of at most 99 characters')]);
  });

  it('renews a due token with the refresh grant, and signs in again when the refresh is refused', async () => {
    let ahead = 0;
    const tokens = new TokenCache({ now: () => Date.now() + ahead });
    const client = new SimphonyClient(ctx.http, ctx.settings, credentials, tokens);
    const logins = fake.logins;
    await client.dailyTotals(LOC, '2026-03-13');
    expect(fake.logins).toBe(logins + 1);
    expect(tokenGrants()).toBe(1);
    // Still valid: no token request.
    await client.dailyTotals(LOC, '2026-03-14');
    expect(tokenGrants()).toBe(1);

    // The 14-day token is due: renewed with its refresh token, no sign-in; the fake no longer takes the old one.
    ahead = 15 * 86_400_000;
    const refreshes = fake.refreshes;
    await client.dailyTotals(LOC, '2026-03-13');
    expect(fake.refreshes).toBe(refreshes + 1);
    expect(fake.logins).toBe(logins + 1);
    expect(fake.requests.filter((r) => r.path.endsWith('/oauth2/signin'))).toHaveLength(1);

    // The refresh refused (expired or revoked refresh token): a fresh sign-in, and the read succeeds.
    ahead = 30 * 86_400_000;
    fake.refuseRefresh = true;
    try {
      await expect(client.dailyTotals(LOC, '2026-03-14')).resolves.toMatchObject({ busDt: '2026-03-14' });
    } finally {
      fake.refuseRefresh = false;
    }
    expect(fake.refreshes).toBe(refreshes + 1);
    expect(fake.logins).toBe(logins + 2);
    expect(fake.violations).toEqual([]);
  });

  it('signs in when authorize and sign-in answer with redirects, the session cookie among several', async () => {
    fake.redirects = true;
    try {
      const logins = fake.logins;
      const client = new SimphonyClient(ctx.http, ctx.settings, credentials, new TokenCache());
      await expect(client.dailyTotals(LOC, '2026-03-13')).resolves.toMatchObject({ busDt: '2026-03-13' });
      expect(fake.logins).toBe(logins + 1);
      expect(fake.violations).toEqual([]);
    } finally {
      fake.redirects = false;
    }
  });

  it('a token revoked mid-run (401) is replaced by a fresh sign-in and the read retried once', async () => {
    const client = new SimphonyClient(ctx.http, ctx.settings, credentials, new TokenCache());
    await client.dailyTotals(LOC, '2026-03-13');
    const logins = fake.logins;
    fake.revokeTokens();
    fake.requests.length = 0;
    await expect(client.guestChecks(LOC, '2026-03-15')).resolves.toHaveLength(3);
    expect(fake.logins).toBe(logins + 1);
    expect(bodiesOf('getGuestChecks')).toHaveLength(2);
    expect(fake.violations).toEqual([]);
  });

  it('refused credentials fail the login as token_failed', async () => {
    const client = new SimphonyClient(ctx.http, ctx.settings, { ...credentials, password: 'wrong' }, new TokenCache());
    const err = await client.guestChecks(LOC, '2026-03-14').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorError);
    expect(err).toMatchObject({ reason: 'token_failed' });
    expect(fake.violations).toEqual([]);
  });

  it('settings refuse an outlet shared by two locations', () => {
    const parsed = simphonySettings.safeParse({ baseUrl: fake.url, orgShortName: ORG, locations: [{ locRef: 'A', outlet: 'X' }, { locRef: 'B', outlet: 'X' }] });
    expect(parsed.success).toBe(false);
  });

  it('maps a check read twice once, nothing of a check without a business date, and a date from one source only', () => {
    const location = { locRef: LOC, outlet: 'HOTEL', byRevenueCenter: {} };
    const c = { guestCheckId: 1, opnBusDt: '2026-03-14', clsdBusDt: '2026-03-14', clsdFlag: true, subTtl: 10, gstCnt: 1 };
    const totals = [{ locRef: LOC, busDt: '2026-03-14', revenueCenters: [{ rvcNum: RVC_BANQUET, netSlsTtl: 500, gstCnt: 9, chkCnt: 3 }] }];
    const [fromChecks] = mapDays(location, ['2026-03-14'], { totals, checkDates: ['2026-03-14'], checks: [c, c, { guestCheckId: 2, subTtl: 99 }] });
    expect(fromChecks).toMatchObject({ netRevenue: 10, covers: 1, checks: 1 });
    const [fromTotals] = mapDays(location, ['2026-03-14'], { totals, checkDates: [], checks: [c] });
    expect(fromTotals).toMatchObject({ netRevenue: 500, covers: 9, checks: 3 });
  });
});
