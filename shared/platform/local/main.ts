// `npm start`: the whole backend on the local host, on embedded defaults.
import { catalog } from '../../../functions/catalog.js';
import { startLocalHost } from './host.js';
import { seedDemoInProcess } from '../../integrations/demo-seed-local.js';
import { loadConfig, ConfigError } from '../../config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const started = Date.now();
  const host = await startLocalHost({ port: config.PORT, hostname: config.HOST, definitions: catalog });
  console.log(host.functionTable());
  if (!config.COSMOS_ENDPOINT && config.SEED_DEMO) {
    const hint = await host.app.identity.seedDemo();
    if (hint) console.log(`\n${hint}`);
    if (hint && config.SEED_DEMO_DATA) {
      // A year of signed webhook deliveries takes tens of seconds: the API answers meanwhile.
      console.log('Demo data: importing a year of source-system data through the webhook endpoint in the background...');
      const seeding = Date.now();
      seedDemoInProcess(host.app, host.url).then(
        (summary) => summary && console.log(`Demo data: ${summary.records} records in ${summary.batches} signed deliveries, ready after ${Math.round((Date.now() - seeding) / 1000)} s.`),
        (err: unknown) => console.error('Demo data import stopped:', err instanceof Error ? err.message : err),
      );
    }
  }
  console.log(`\nPMI backend listening on ${host.url}/api/v1 (started in ${Date.now() - started} ms)`);
  console.log(`API reference: ${host.url}/api/v1/docs`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received: draining in-flight invocations...`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
