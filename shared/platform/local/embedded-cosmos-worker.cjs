'use strict';
// Runs @vercel/cosmosdb-server on its own thread, so the store's work (its query engine scans and
// copies documents) doesn't share the event loop with the app's request handling. Plain CommonJS so
// the same file runs from the sources (jest) and from dist/ (tsc copies it unchanged).
const { parentPort, workerData } = require('node:worker_threads');
const accountModule = require('@vercel/cosmosdb-server/lib/account');
const { createHttpServer } = require('@vercel/cosmosdb-server');
const snapshot = require('./embedded-cosmos-snapshot.cjs');
// Linear scans instead of the query engine's quadratic one (embedded-cosmos-query.cjs).
require('./embedded-cosmos-query.cjs').useLinearScans();

// The server builds its account (all the data) privately when it starts listening; this subclass
// hands it to us so it can be loaded from and saved to a snapshot file.
let account;
const Account = accountModule.default;
accountModule.default = class SnapshotAccount extends Account {
  constructor(...args) {
    super(...args);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the server keeps its account private; this is how we reach it
    account = this;
  }
};

const { port, snapshotFile, snapshotIntervalMs } = workerData;
const post = (m) => parentPort.postMessage(m);

// keepAlive: without it the server answers every request with `connection: close`, and each store
// call pays for a new TCP connection.
const server = createHttpServer({ keepAlive: true });

// A request that may have changed data marks the store dirty once it is answered (after the change
// applied): only then can a snapshot taken later contain it.
let dirty = false;
let writing = Promise.resolve();
const isWrite = (req) => req.method !== 'GET' && req.method !== 'HEAD' && !/^true$/i.test(String(req.headers['x-ms-documentdb-isquery'] ?? ''));
if (snapshotFile) {
  server.prependListener('request', (req, res) => {
    if (isWrite(req)) res.once('finish', () => (dirty = true));
  });
}

function save() {
  if (!dirty) return writing;
  dirty = false;
  const state = snapshot.capture(account);
  const started = Date.now();
  writing = writing
    .then(() => snapshot.write(snapshotFile, state))
    .then(
      () => post({ type: 'saved', ms: Date.now() - started }),
      (err) => {
        dirty = true;
        post({ type: 'log', level: 'error', message: 'embedded store snapshot failed', error: err.message });
      },
    );
  return writing;
}

let timer;
server.on('error', (err) => post({ type: 'error', message: err.message }));
server.listen(port, '127.0.0.1', () => {
  if (snapshotFile) {
    try {
      const items = snapshot.load(account, snapshotFile);
      post({ type: 'log', level: 'info', message: 'embedded store loaded', file: snapshotFile, items });
    } catch (err) {
      post({ type: 'error', message: `cannot load ${snapshotFile}: ${err.message} (npm run reset starts afresh)` });
      return;
    }
    timer = setInterval(save, snapshotIntervalMs);
  }
  post({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  server.closeAllConnections();
  server.close(() => {
    // The last snapshot is taken after the app stopped writing: a graceful stop loses nothing.
    const last = snapshotFile ? save() : Promise.resolve();
    last.then(() => post({ type: 'closed' }));
  });
});
