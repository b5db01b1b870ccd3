// Baseline: a bare node:http server that stores each request durably before answering 202, the way a
// webhook receipt must: per request, one grouped create (the store's CreateGroup, @azure/cosmos bulk)
// of an item the size of a real import record, in the app's embedded Cosmos DB server. Nothing else:
// no signature, no look-up, no seal, no queue message, no route pipeline.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setUp } from './app.js';
import { reportCpuOnSignal } from './report.js';

const { host, app, tenantId, integrations } = await setUp(['pos']);
const { signWebhook } = await import('../../dist/shared/integrations/signature.js');
// One real receipt of the benchmark's body (DURABLE_SAMPLE_BODY) gives the import record whose size every stored item copies.
const body = process.env.DURABLE_SAMPLE_BODY ?? JSON.stringify({ records: [] });
await app.integrations.receive({ integrationId: integrations.pos.id, headers: new Headers(signWebhook(integrations.pos.secret, 'msg_sample', new Date(), body)), body: Buffer.from(body) });
const imports = app.store.collection('imports', tenantId);
const [sample] = await imports.all("SELECT * FROM c WHERE c.type = 'import'", {});
delete sample._etag;
delete sample._ts;
const prefix = randomBytes(4).toString('hex');
let n = 0;
const reply = JSON.stringify({ importId: sample.id });

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    imports.createGrouped({ ...sample, id: `durable_${prefix}_${++n}` }).then(
      () => {
        res.writeHead(202, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(reply);
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/api/v1 ${Buffer.byteLength(JSON.stringify(sample))}`);
});
reportCpuOnSignal();
process.on('SIGTERM', () => (process.env.BENCH_STATS && console.error('groups', JSON.stringify(app.store.createGroupStats('imports'))), server.close(() => host.stop().then(() => process.exit(0)))));
