import type { TokenCredential } from '@azure/identity';
import { CosmosClient, ConsistencyLevel } from '@azure/cosmos';
import type { Config } from '../config.js';

/**
 * The well-known key of the Cosmos DB emulator. The embedded server accepts any key; the SDK needs one
 * to sign requests. It grants nothing in Azure.
 */
const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export function createCosmosClient(endpoint: string, config: Config, credential: () => TokenCredential, embedded: boolean): CosmosClient {
  const auth = embedded
    ? { key: EMULATOR_KEY }
    : config.COSMOS_KEY
      ? { key: config.COSMOS_KEY }
      : { aadCredentials: credential() };
  return new CosmosClient({
    endpoint,
    ...auth,
    consistencyLevel: ConsistencyLevel.Session,
    connectionPolicy: {
      // The embedded server has one "region"; in Azure the SDK reads from the nearest preferred EU region.
      enableEndpointDiscovery: !embedded,
      preferredLocations: embedded ? [] : config.COSMOS_PREFERRED_REGIONS,
      retryOptions: { maxRetryAttemptCount: 9, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 30 },
    },
  });
}
