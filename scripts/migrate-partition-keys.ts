// `node dist/scripts/migrate-partition-keys.js [--delete-legacy]`: copies the containers keyed by
// /tenantId alone (facts, aggregates, imports, audit) into their successors keyed by tenant and
// scope (shared/platform/topology.ts), verifies each copy per tenant (item count and a digest of
// every item's content) and, with --delete-legacy, deletes the old container once its copy verified.
// Idempotent: run it again after an interruption. Uses the same settings as the app (COSMOS_ENDPOINT,
// managed identity or COSMOS_KEY); the runbook is docs/operations.md, "Partition keys". The local
// store migrates itself at start, so this is for Azure.
import { loadConfig, ConfigError } from '../shared/platform/config.js';
import { createCosmosClient } from '../shared/platform/cosmos/client.js';
import { Store } from '../shared/platform/cosmos/store.js';
import { containerIds, migrateLegacyContainer } from '../shared/platform/cosmos/migrate-keys.js';
import { containers, type ContainerDef, type ContainerName } from '../shared/platform/topology.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--delete-legacy')) throw new Error('usage: node dist/scripts/migrate-partition-keys.js [--delete-legacy]');
  const config = loadConfig();
  if (!config.COSMOS_ENDPOINT) throw new ConfigError('COSMOS_ENDPOINT is not set: the local store migrates itself at start (npm start)');
  const { DefaultAzureCredential } = await import('@azure/identity');
  const client = createCosmosClient(config.COSMOS_ENDPOINT, config, () => new DefaultAzureCredential(), false);
  const store = await Store.open(client, config.COSMOS_DATABASE, { keys: 'hierarchical', legacy: 'leave' });
  try {
    const existing = await containerIds(store.db);
    for (const name of Object.keys(containers) as ContainerName[]) {
      const def: ContainerDef = containers[name];
      if (!def.legacyId || !existing.has(def.legacyId)) continue;
      const report = await migrateLegacyContainer(store.db, def.legacyId, store.handle(name), store.partitioner(name), {
        deleteLegacy: args.includes('--delete-legacy'),
        log: (line) => console.log(line),
      });
      console.log(JSON.stringify(report));
    }
  } finally {
    store.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
