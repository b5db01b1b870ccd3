'use strict';
// Runs Azurite's Blob service on its own thread, as the embedded Cosmos server runs: its request
// handling and (when persisted) its LokiJS files stay off the app's event loop. The package's main
// entry is a VS Code extension, so the Blob server class is loaded from its dist/ directly; its CLI
// (azurite-blob) would add a process and its telemetry. Plain CommonJS so the same file runs from the
// sources (jest) and from dist/ (tsc copies it unchanged).
const { parentPort, workerData } = require('node:worker_threads');
const { join } = require('node:path');
const { mkdirSync } = require('node:fs');
const BlobServer = require('azurite/dist/src/blob/BlobServer').default;
const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration').default;

const { port, location } = workerData;
const post = (m) => parentPort.postMessage(m);

// Unset location: everything in memory (--inMemoryPersistence). Otherwise Azurite's LokiJS metadata
// and its extent files live in that folder and survive restarts.
if (location) mkdirSync(location, { recursive: true });
const persistence = [{ locationId: 'Default', locationPath: location ? join(location, '__blobstorage__') : '__blobstorage__', maxConcurrency: 10 }];
const config = new BlobConfiguration(
  '127.0.0.1',
  port,
  undefined, // keep-alive timeout: Azurite's default
  location ? join(location, '__azurite_db_blob__.json') : '__azurite_db_blob__.json',
  location ? join(location, '__azurite_db_blob_extent__.json') : '__azurite_db_blob_extent__.json',
  persistence,
  false, // access log
  undefined,
  false, // debug log
  undefined,
  false, // loose
  // The SDK may be newer than the emulator's list of API versions; the operations we use are old.
  true,
  '',
  '',
  '',
  undefined,
  false,
  !location,
);
const server = new BlobServer(config);

server.start().then(
  () => {
    const address = server.getHttpServerAddress();
    post({ type: 'listening', port: Number(new URL(address).port) });
  },
  (err) => post({ type: 'error', message: err.message }),
);

parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // close() flushes the LokiJS metadata of a persisted server before it resolves.
  server.close().then(
    () => post({ type: 'closed' }),
    (err) => post({ type: 'error', message: err.message }),
  );
});
