import { Circuits } from '../../../shared/connectors/http/circuit.js';
import { createVendorHttp } from '../../../shared/connectors/http/vendor-http.js';
import type { ConnectorContext, PullResult } from '../../../shared/connectors/connector.js';
import { mews } from '../../../shared/connectors/vendors/mews/index.js';
import { mewsCredentials, mewsSettings, type MewsCredentials, type MewsSettings } from '../../../shared/connectors/vendors/mews/settings.js';
import { createMewsDataset } from '../../fakes/vendors/mews/dataset.js';
import { ACCESS_TOKEN, CLIENT_TOKEN, startFakeMews, type FakeMews } from '../../fakes/vendors/mews/server.js';

/**
 * The vendor answers 500, 429 with Retry-After, and never answers, in the middle of a backfill:
 * the framework's client retries what it can, a window that still fails fails the run, and running
 * the window again (what a resumed run does: the watermark did not move) gives exactly the records
 * of a run that met no fault.
 */

const NOW = '2026-04-15T10:00:00Z';
const data = createMewsDataset({ from: '2026-02-20', to: '2026-05-10', nowUtc: NOW });
const WINDOWS = [
  { from: '2026-03-01', to: '2026-03-31' },
  { from: '2026-04-01', to: '2026-04-30' },
];
let fake: FakeMews;

function ctx(circuits = new Circuits()): ConnectorContext<MewsSettings, MewsCredentials> {
  return {
    settings: mewsSettings.parse({ baseUrl: fake.url, enterpriseId: data.enterpriseId, serviceId: data.serviceId, complimentaryRateIds: [data.complimentaryRateId], pageSize: 200 }),
    credentials: mewsCredentials.parse({ clientToken: CLIENT_TOKEN, accessToken: ACCESS_TOKEN }),
    http: createVendorHttp({ vendor: 'mews', circuitKey: 'mews-faults', circuits, timeoutMs: 2500, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }),
    timeZone: data.timeZone,
    today: '2026-04-15',
  };
}

/** Runs the windows in order; a failed window is run again, as the next run resumes from it. */
async function backfillResuming(): Promise<{ records: PullResult['batches']; failures: number }> {
  const batches: PullResult['batches'] = [];
  let failures = 0;
  for (const window of WINDOWS) {
    for (;;) {
      try {
        batches.push(...(await mews.backfill(ctx(), window)).batches);
        break;
      } catch (e) {
        expect((e as Error).name).toBe('VendorError');
        failures++;
        if (failures > 5) throw e;
      }
    }
  }
  return { records: batches, failures };
}

const sorted = (batches: PullResult['batches']) =>
  batches
    .flatMap((b) => b.records.map((r): Record<string, unknown> => ({ sourceType: b.sourceType, ...r })))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));

beforeEach(async () => {
  fake = await startFakeMews(data);
});
afterEach(async () => {
  await fake.stop();
});

test('500, 429 and a hanging request mid-backfill: the resumed run equals a fault-free run', async () => {
  const clean = await backfillResuming();
  expect(clean.failures).toBe(0);
  await fake.stop();
  fake = await startFakeMews(data);

  // Retried inside one attempt series: two 500s, a 429 with Retry-After, one hanging request.
  fake.faults.push({ kind: '500', operation: 'orderItems/getAll', after: 1, times: 2 });
  fake.faults.push({ kind: '429', operation: 'reservations/getAll/2023-06-06', after: 2, times: 1, retryAfter: 0 });
  fake.faults.push({ kind: 'hang', operation: 'resourceBlocks/getAll', after: 0, times: 1 });
  // And one the retries cannot absorb: the April window fails once and is resumed.
  fake.faults.push({ kind: '500', operation: 'orderItems/getAll', after: 6, times: 3 });
  const faulty = await backfillResuming();

  expect(faulty.failures).toBe(1);
  expect(fake.requests.some((r) => r.status === 500)).toBe(true);
  expect(fake.requests.some((r) => r.status === 429)).toBe(true);
  expect(fake.requests.some((r) => r.status === 0)).toBe(true);
  expect(sorted(faulty.records)).toEqual(sorted(clean.records));
  expect(sorted(clean.records).length).toBeGreaterThan(60);
  expect(fake.violations).toEqual([]);
});
