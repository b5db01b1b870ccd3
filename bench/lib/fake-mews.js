// The fake Mews Connector API (test/fakes/vendors/mews, compiled by buildFakes) in a process of its
// own, as the vendor is another machine: its request validation and paging do not share the app's
// event loop. One hotel's stays from FAKE_FROM to FAKE_TO (local dates), its clock at FAKE_NOW.
// Prints "listening on <url> <json>": the ids an integration's settings name, and the tokens.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAKES_DIR } from './fakes.js';

const load = (path) => import(pathToFileURL(join(FAKES_DIR, path)).href);
const { createMewsDataset } = await load('test/fakes/vendors/mews/dataset.js');
const { startFakeMews, CLIENT_TOKEN, ACCESS_TOKEN } = await load('test/fakes/vendors/mews/server.js');

const data = createMewsDataset({ from: process.env.FAKE_FROM, to: process.env.FAKE_TO, nowUtc: process.env.FAKE_NOW });
const fake = await startFakeMews(data);
const ids = {
  enterpriseId: data.enterpriseId,
  serviceId: data.serviceId,
  complimentaryRateIds: [data.complimentaryRateId],
  timeZone: data.timeZone,
  clientToken: CLIENT_TOKEN,
  accessToken: ACCESS_TOKEN,
  reservations: data.reservations.length,
  orderItems: data.orderItems.length,
};
console.log(`listening on ${fake.url} ${JSON.stringify(ids)}`);
process.on('SIGTERM', () => {
  // What the run asked of it, for the report: requests by status, and any contract violation.
  const byStatus = fake.requests.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
  console.log(`served ${JSON.stringify({ requests: fake.requests.length, byStatus, violations: fake.violations.length })}`);
  fake.stop().then(() => process.exit(0));
});
