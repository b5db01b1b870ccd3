import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../../shared/platform/local/embedded-cosmos.js';
import { createCosmosClient } from '../../../shared/platform/cosmos/client.js';
import { Store, UniqueKeyMismatch, type Item } from '../../../shared/platform/cosmos/store.js';
import { isStoreError } from '../../../shared/platform/cosmos/errors.js';
import { loadConfig } from '../../../shared/platform/config.js';

let server: EmbeddedCosmos;
const client = () =>
  createCosmosClient(server.endpoint, loadConfig({ LOCAL_KEK: randomBytes(32).toString('base64') }), () => {
    throw new Error('no credential in tests');
  }, true);

beforeAll(async () => {
  server = await startEmbeddedCosmos();
});
afterAll(async () => {
  await server.close();
});

describe('unique keys of the containers (shared/platform/topology.ts)', () => {
  it('creates the audit container with unique key /eventId, enforced per tenant partition', async () => {
    const c = client();
    const store = await Store.open(c, `uk-${randomUUID()}`, { keys: 'synthetic', legacy: 'migrate' });
    const a = store.collection('audit', 'tenant-a');
    await a.create({ id: 'entry:1', tenantId: 'tenant-a', type: 'auditEntry', eventId: 'e-1', seq: 1 } as Item);
    const second = await a.create({ id: 'entry:2', tenantId: 'tenant-a', type: 'auditEntry', eventId: 'e-1', seq: 2 } as Item).catch((err: unknown) => err);
    expect(isStoreError(second, 'conflict')).toBe(true);
    expect(await a.for({ seq: 2 }).read('entry:2')).toBeUndefined();
    await store.collection('audit', 'tenant-b').create({ id: 'entry:1', tenantId: 'tenant-b', type: 'auditEntry', eventId: 'e-1', seq: 1 } as Item);
    store.dispose();
  });

  it('refuses to start on an existing audit container created without the unique key', async () => {
    const c = client();
    const id = `uk-${randomUUID()}`;
    const { database } = await c.databases.createIfNotExists({ id });
    await database.containers.createIfNotExists({ id: 'audit2', partitionKey: { paths: ['/_pk'] } });
    const options = { keys: 'synthetic', legacy: 'migrate' } as const;
    await expect(Store.open(c, id, options)).rejects.toThrow(UniqueKeyMismatch);
    await expect(Store.open(c, id, options)).rejects.toThrow(/container audit2 has unique keys \[\] but the code needs \[\/eventId\]/);
    c.dispose();
  });
});
