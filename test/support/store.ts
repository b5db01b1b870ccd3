import { randomBytes, randomUUID } from 'node:crypto';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../shared/platform/local/embedded-cosmos.js';
import { createCosmosClient } from '../../shared/platform/cosmos/client.js';
import { Store, type StoreOptions } from '../../shared/platform/cosmos/store.js';
import { loadConfig } from '../../shared/platform/config.js';
import { LocalKek } from '../../shared/platform/keys/kek.js';
import { SubjectKeyRing } from '../../shared/platform/crypto/subject-keys.js';

export interface TestStore {
  store: Store;
  server: EmbeddedCosmos;
  close(): Promise<void>;
}

/** The real SDK against a fresh embedded Cosmos server, for service-level tests without the HTTP host. */
export async function startTestStore(options: Partial<StoreOptions> = {}): Promise<TestStore> {
  const server = await startEmbeddedCosmos();
  const config = loadConfig({ LOCAL_KEK: randomBytes(32).toString('base64') });
  const client = createCosmosClient(server.endpoint, config, () => {
    throw new Error('no credential in tests');
  }, true);
  const store = await Store.open(client, `test-${randomUUID()}`, { keys: 'synthetic', legacy: 'migrate', ...options });
  return {
    store,
    server,
    async close() {
      store.dispose();
      await server.close();
    },
  };
}

export function testKeyRing(store: Store, cacheSize = 100): { keys: SubjectKeyRing; kek: LocalKek } {
  const kek = new LocalKek(randomBytes(32));
  return { keys: new SubjectKeyRing(store, kek, cacheSize, 60_000), kek };
}
