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
import { LOC, RVC_BAR, RVC_RESTAURANT, type Json } from '../../fakes/vendors/simphony/dataset.js';
import { guestChecksRequestErrors, startSimphonyFake, type SimphonyFake } from '../../fakes/vendors/simphony/server.js';

/**
 * The Simphony connector against the fake BI API, which checks every getGuestChecks body against
 * Oracle's documented request payload: a backfill sends only valid requests (no violations), an
 * invalid request is caught, and the records carry the fake's checks per outlet and business date.
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
const taxOf = (...ids: number[]) =>
  fake.checks.filter((c) => ids.includes(c.guestCheckId as number)).reduce((s, c) => s + ((c.taxes as Json[])[0]?.taxCollTtl as number | undefined ?? 0), 0);

describe('Oracle Simphony connector', () => {
  it('backfills each business date whole per outlet, with valid requests only', async () => {
    const result = await simphony.backfill!(ctx, { from: '2026-03-13', to: '2026-03-16' });
    expect(fake.violations).toEqual([]);
    // The 16th is after the property's today: not asked, not written.
    expect(fake.requests.filter((r) => r.path.endsWith('/getGuestChecks')).map((r) => r.body)).toEqual([
      { locRef: LOC, busDt: '2026-03-13' },
      { locRef: LOC, busDt: '2026-03-14' },
      { locRef: LOC, busDt: '2026-03-15' },
    ]);
    const byKey = Object.fromEntries(records(result.batches).map((r) => [`${String(r.businessDate)} ${String(r.outlet)}`, r]));
    expect(Object.keys(byKey).sort()).toHaveLength(9);
    expect(byKey['2026-03-13 REST']).toMatchObject({ id: `simphony:${LOC}:REST:2026-03-13`, netRevenue: 120.5, discounts: 0, covers: 4, checks: 1 });
    expect(byKey['2026-03-13 REST']!.tax).toBeCloseTo(taxOf(1001), 9);
    // The bar check closed the day after it opened counts on the 14th only.
    expect(byKey['2026-03-13 BAR']).toMatchObject({ netRevenue: 30, discounts: 5, covers: 1, checks: 1 });
    expect(byKey['2026-03-14 BAR']).toMatchObject({ netRevenue: 44.4, discounts: 0, covers: 3, checks: 1 });
    // The voided check adds nothing; the open check counts on the day it was opened.
    expect(byKey['2026-03-14 REST']).toMatchObject({ netRevenue: 15.25, covers: 1, checks: 1 });
    expect(byKey['2026-03-14 REST']!.tax).toBeCloseTo(taxOf(1006), 9);
    // An unmapped revenue center posts to the location's outlet; another location's checks are not read.
    expect(byKey['2026-03-14 HOTEL']).toMatchObject({ netRevenue: 800, tax: 80, covers: 40, checks: 1 });
    expect(byKey['2026-03-15 REST']).toMatchObject({ netRevenue: 0, covers: 0, checks: 0 });
    // The check opened on the 13th and closed on the 14th is answered for both dates.
    expect(result.objectsRead).toBe(7);
  });

  it('recomputes a day to the same records with the same ids', async () => {
    const a = await simphony.backfill!(ctx, { from: '2026-03-14', to: '2026-03-14' });
    const b = await simphony.backfill!(ctx, { from: '2026-03-14', to: '2026-03-14' });
    expect(records(b.batches)).toEqual(records(a.batches));
  });

  it('a pull recomputes the business dates its window touches, the day before included', async () => {
    await simphony.pull!(ctx, { from: '2026-03-14T10:00:00Z', to: '2026-03-14T11:00:00Z' });
    expect(fake.violations).toEqual([]);
    expect(fake.requests.filter((r) => r.path.endsWith('/getGuestChecks')).map((r) => (r.body as Json).busDt)).toEqual(['2026-03-13', '2026-03-14']);
  });

  it('the fake catches a request off the documented payload', async () => {
    expect(guestChecksRequestErrors({ locRef: LOC, busDt: '2026-03-14', opnBusDt: '2026-03-14' })).toEqual([expect.stringContaining('exactly one of')]);
    expect(guestChecksRequestErrors({ busDt: '14.03.2026', extra: 1 })).toEqual(
      expect.arrayContaining([expect.stringContaining('busDt'), expect.stringContaining('extra'), expect.stringContaining('locRef: required')]),
    );
    // Through HTTP: a location reference longer than the documented 99 characters (settings refuse it; the fake must too).
    const unchecked = { ...ctx.settings, locations: [{ locRef: 'L'.repeat(120), byRevenueCenter: {} }] };
    const client = new SimphonyClient(ctx.http, unchecked, credentials, new TokenCache());
    await expect(client.guestChecks('L'.repeat(120), '2026-03-14')).rejects.toMatchObject({ reason: 'rejected', status: 400 });
    expect(fake.violations).toEqual([expect.stringContaining('locRef: not a valid string of at most 99 characters')]);
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

  it('maps nothing of a check without a business date, and a check read twice once', () => {
    const location = { locRef: LOC, outlet: 'HOTEL', byRevenueCenter: {} };
    const c = { guestCheckId: 1, opnBusDt: '2026-03-14', clsdBusDt: '2026-03-14', clsdFlag: true, subTtl: 10, gstCnt: 1 };
    const [r] = mapDays(location, ['2026-03-14'], [c, c, { guestCheckId: 2, subTtl: 99 }]);
    expect(r).toMatchObject({ netRevenue: 10, covers: 1, checks: 1 });
  });
});
