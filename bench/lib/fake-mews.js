// The fake Mews Connector API (test/fakes/vendors/mews, compiled by buildFakes) in a process of its
// own, as the vendor is another machine: its request validation and paging do not share the app's
// event loop. One hotel's stays from FAKE_FROM to FAKE_TO (local dates), its clock at FAKE_NOW.
// Prints "listening on <url> <json>": the ids an integration's settings name, and the tokens.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { FAKES_DIR } from './fakes.js';

const load = (path) => import(pathToFileURL(join(FAKES_DIR, path)).href);
const { createMewsDataset } = await load('test/fakes/vendors/mews/dataset.js');
const { FakeMews, CLIENT_TOKEN, ACCESS_TOKEN } = await load('test/fakes/vendors/mews/server.js');

// How much the vendor side carried: requests, bytes answered, and the time from each request's
// arrival to its last byte written. SIGUSR2 prints the running totals (the bench reads them around
// each measured backfill); SIGTERM prints them once more and stops.
const totals = { requests: 0, bytes: 0, answeringMs: 0 };
const handle = FakeMews.prototype.handle;
FakeMews.prototype.handle = function (req, res) {
  const started = performance.now();
  const end = res.end;
  res.end = function (chunk, ...rest) {
    if (chunk) totals.bytes += Buffer.byteLength(chunk);
    return end.call(this, chunk, ...rest);
  };
  res.on('finish', () => {
    totals.requests += 1;
    totals.answeringMs += performance.now() - started;
  });
  return handle.call(this, req, res);
};

const data = createMewsDataset({ from: process.env.FAKE_FROM, to: process.env.FAKE_TO, nowUtc: process.env.FAKE_NOW });
const fake = await new FakeMews(data).start();
const stats = () => console.log(`stats ${JSON.stringify({ ...totals, violations: fake.violations.length, failed: fake.requests.filter((r) => r.status !== 200).length })}`);
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
process.on('SIGUSR2', stats);
process.on('SIGTERM', () => {
  stats();
  fake.stop().then(() => process.exit(0));
});
