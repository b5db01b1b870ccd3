'use strict';
// Runs @vercel/cosmosdb-server on its own thread, so the store's work (its query engine scans and
// copies documents) doesn't share the event loop with the app's request handling. Plain CommonJS so
// the same file runs from the sources (jest) and from dist/ (tsc copies it unchanged).
const { parentPort, workerData } = require('node:worker_threads');
const { createHttpServer } = require('@vercel/cosmosdb-server');

// keepAlive: without it the server answers every request with `connection: close`, and each store
// call pays for a new TCP connection.
const server = createHttpServer({ keepAlive: true });
server.on('error', (err) => parentPort.postMessage({ type: 'error', message: err.message }));
server.listen(workerData.port, '127.0.0.1', () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections();
  server.close(() => parentPort.postMessage({ type: 'closed' }));
});
