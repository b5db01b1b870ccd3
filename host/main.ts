// `npm start`: the whole backend on the local host, on embedded defaults.
import { catalog } from '../functions/catalog.js';
import { startLocalHost } from './host.js';
import { importDemoDataOnce } from './demo-seed-local.js';
import { DEMO_SEED_USER_AGENT } from '../shared/integrations/demo-seed.js';
import { loadConfig, ConfigError } from '../shared/platform/config.js';

/**
 * The demo import's progress: one line rewritten in place in a terminal; in a log file or CI, a
 * line every tenth of the way.
 */
function progressLine(): (sent: number, planned: number) => void {
  const tty = process.stdout.isTTY;
  let lastStep = -1;
  return (sent, planned) => {
    const text = `Demo data: ${sent}/${planned} deliveries sent (${Math.floor((sent * 100) / planned)} %)`;
    if (tty) {
      process.stdout.write(`\r${text}${sent === planned ? '\n' : ''}`);
      return;
    }
    const step = Math.floor((sent * 10) / planned);
    if (step !== lastStep) {
      lastStep = step;
      console.log(text);
    }
  };
}

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
  const host = await startLocalHost({ port: config.PORT, hostname: config.HOST, definitions: catalog, quietUserAgent: DEMO_SEED_USER_AGENT });
  console.log(host.functionTable());
  if (!config.COSMOS_ENDPOINT && config.SEED_DEMO) {
    const hint = await host.app.identity.seedDemo();
    if (hint) console.log(`\n${hint}`);
    else if (config.LOCAL_PERSIST) console.log(`\nDemo tenant "Demo Hotels": kept from the last run in ${config.LOCAL_STATE_DIR} (same accounts, password and MFA enrolments; \`npm run reset\` starts afresh).`);
    if (config.SEED_DEMO_DATA) {
      // A year of signed webhook deliveries takes tens of seconds: the API answers meanwhile.
      const seeding = Date.now();
      importDemoDataOnce(host.app, host.url, Boolean(hint), { progress: progressLine() }).then(
        (outcome) => {
          if ('skipped' in outcome) console.log(`Demo data: imported on ${outcome.skipped}; kept, not imported again.`);
          else if (outcome.summary)
            console.log(`Demo data: ${outcome.summary.records} records in ${outcome.summary.batches} signed deliveries, ready after ${Math.round((Date.now() - seeding) / 1000)} s.`);
        },
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
