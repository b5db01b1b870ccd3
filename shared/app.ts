import type { TokenCredential } from '@azure/identity';
import { loadConfig, type Config } from './platform/config.js';
import { entraSignIns } from './platform/entra-credential.js';
import { Store } from './platform/cosmos/store.js';
import type { MessagePublisher } from './platform/bus/types.js';
import { LocalBroker } from './platform/local/broker.js';
import { ServiceBusPublisher } from './platform/bus/service-bus-publisher.js';
import { LocalDeadLetters, ServiceBusDeadLetters, type DeadLetters } from './platform/bus/dead-letters.js';
import { KeyVaultKek, keyVaultKekVault, LocalKek, type KeyEncryptionKey } from './platform/keys/kek.js';
import { localKekMaterial } from './platform/keys/local-kek-file.js';
import { SubjectKeyRing } from './platform/crypto/subject-keys.js';
import { BlindIndex, FieldCipher } from './platform/crypto/field-cipher.js';
import { Outbox } from './platform/outbox/outbox.js';
import { processLog, type Log } from './platform/log.js';
import type { Platform } from './platform/platform.js';
import type { Authenticator, SecurityEventSink } from './access/authenticator.js';
import { HealthService, type BlobCheck } from './platform/health.js';
import type { Identity } from './identity/index.js';
import type { AuditLog } from './audit/index.js';
import type { Reporting } from './reporting/index.js';
import type { Integrations } from './integrations/index.js';
import type { ConnectorRuns } from './connectors/runs/index.js';
import type { Privacy } from './privacy/index.js';
import type { FileMappings } from './files/index.js';
import type { FileDrops } from './integrations/files.js';
import { AzureBlobStore } from './platform/blob/azure-blob-store.js';
import type { BlobStore } from './platform/blob/blob-store.js';
import type { PeriodLocks } from './planning/locks.js';
import type { PendingAdjustments } from './planning/adjustments.js';
import type { Planning } from './planning/index.js';
import type { LabourStandards } from './planning/labour-standards.js';
import type { LabourForecast } from './planning/labour-forecast.js';
import type { ConsumptionInputs } from './sustainability/inputs.js';
import type { ConsumptionSource } from './sustainability/consumption-source.js';
import type { Sustainability } from './sustainability/service.js';
import type { ScenarioService } from './planning/scenarios.js';

/** Every service, built once per process from configuration. Handlers reach services only through this. */
export interface App extends Platform {
  /** Present when running on the in-process broker (local host, tests). */
  broker: LocalBroker | undefined;
  /** Dead-lettered messages: operators peek, sweepers take and settle. */
  deadLetters: DeadLetters;
  health: HealthService;
  identity: Identity;
  authenticator: Authenticator;
  securityEvents: SecurityEventSink;
  audit: AuditLog;
  reporting: Reporting;
  integrations: Integrations;
  /** Scheduled pulls, backfills and status of connector integrations. */
  connectorRuns: ConnectorRuns;
  /** Blob Storage: Azure's with the managed identity, or Azurite started in-process. */
  blobs: BlobStore;
  /** Present when Blob Storage is the in-process Azurite (local host, tests): its endpoint (started if it was not), for the development account. */
  azurite: (() => Promise<{ endpoint: string }>) | undefined;
  /** Files of `file` integrations: HTTPS uploads and blob drops, imported. */
  files: FileDrops;
  /** Column mappings of file integrations: preview, the saved mapping. */
  fileMappings: FileMappings;
  privacy: Privacy;
  /** Locked months of properties (planning): imports into them are held as pending adjustments. */
  periodLocks: PeriodLocks;
  /** Changes held by locked months, approved or discarded by a controller; also the import pipeline's period gate. */
  adjustments: PendingAdjustments;
  /** Planning versions: templates, uploads, approval workflow, the versions in force that reports use. */
  planning: Planning;
  /** Fixed hours per department and weekday (planning setting). */
  labourStandards: LabourStandards;
  /** Required hours and labour cost for the coming weeks. */
  labourForecast: LabourForecast;
  /** What-if scenarios over a property-year's forecast. */
  planningScenarios: ScenarioService;
  /** GoGreen inputs: manual entry of consumption and its read per day or month (docs/gogreen.md, "Inputs"). */
  sustainabilityInputs: ConsumptionInputs;
  /** Recorded consumption per day and month (after period locks), for GoGreen's metrics, targets and reports. */
  sustainabilityConsumption: ConsumptionSource;
  /** GoGreen settings, emission factors, targets, weather, reports, statement and alerts (docs/gogreen.md). */
  sustainability: Sustainability;
  close(): Promise<void>;
}

async function buildKek(config: Config, credential: () => TokenCredential, log: Log): Promise<KeyEncryptionKey> {
  if (config.KEYVAULT_KEY_ID) return new KeyVaultKek(config.KEYVAULT_KEY_ID, keyVaultKekVault(credential));
  return new LocalKek(await localKekMaterial(config.LOCAL_KEK, config.LOCAL_STATE_DIR, log));
}

/** The composition root. */
export async function buildApp(config: Config): Promise<App> {
  const log = processLog(config.LOG_LEVEL, { app: 'pmi' });
  const needsAzure = entraSignIns(config).length > 0;
  // @azure/identity is heavy: loaded only when some dependency authenticates with Entra ID.
  const azureIdentity = needsAzure ? await import('@azure/identity') : undefined;
  let cachedCredential: TokenCredential | undefined;
  const credential = (): TokenCredential => {
    if (!azureIdentity) throw new Error('no Azure dependency is configured, so no Azure credential is available');
    return (cachedCredential ??= new azureIdentity.DefaultAzureCredential());
  };
  const closers: Array<() => Promise<void>> = [];

  let endpoint = config.COSMOS_ENDPOINT;
  const embedded = !endpoint;
  if (!endpoint) {
    const { startEmbeddedCosmos } = await import('./platform/local/embedded-cosmos.js');
    const persist = config.LOCAL_PERSIST ? { stateDir: config.LOCAL_STATE_DIR, snapshotIntervalMs: config.LOCAL_PERSIST_INTERVAL_SECONDS * 1000 } : {};
    const server = await startEmbeddedCosmos({ ...persist, log });
    endpoint = server.endpoint;
    closers.push(server.close);
    log.info('embedded Cosmos DB server started', { endpoint, persisted: config.LOCAL_PERSIST ? config.LOCAL_STATE_DIR : false });
  }
  // The Cosmos SDK is loaded on first use rather than at import: import time is cold-start time.
  const { createCosmosClient } = await import('./platform/cosmos/client.js');
  // The embedded server knows single-path keys only (cosmos/partition.ts); its data is small, so a
  // copy keyed the old way is migrated at start. In Azure that is an operator's step (runbook).
  const store = await Store.open(createCosmosClient(endpoint, config, credential, embedded), config.COSMOS_DATABASE, {
    keys: embedded ? 'synthetic' : 'hierarchical',
    legacy: embedded ? 'migrate' : 'refuse',
  });
  for (const m of store.migrations) log.info('legacy container migrated to its successor', { ...m });

  let broker: LocalBroker | undefined;
  let bus: MessagePublisher;
  if (config.SERVICEBUS_NAMESPACE) {
    bus = new ServiceBusPublisher(config.SERVICEBUS_NAMESPACE, credential);
  } else {
    broker = new LocalBroker({
      maxDeliveryCount: config.BUS_MAX_DELIVERY_COUNT,
      retryDelayMs: config.BUS_RETRY_DELAY_MS,
      duplicateWindowMs: config.BUS_DUPLICATE_WINDOW_SECONDS * 1000,
      maxConcurrentCalls: 16,
      maxConcurrentSessions: 8,
    });
    bus = broker;
  }

  // Without a storage account the app starts Azurite itself, as it starts the embedded Cosmos
  // server, but on first use: loading it costs seconds of CPU, which every test host would pay for a
  // service most never touch. Under npm start the drop poll (every 10 s) starts it.
  let azurite: Promise<{ endpoint: string; close(): Promise<void> }> | undefined;
  const localAzurite = (): Promise<{ endpoint: string }> => {
    azurite ??= import('./platform/local/azurite.js')
      .then(({ startAzurite }) => startAzurite({ ...(config.LOCAL_PERSIST ? { stateDir: config.LOCAL_STATE_DIR } : {}), log }))
      .then(
        (started) => {
          log.info('Azurite (Blob Storage) started', { endpoint: started.endpoint, persisted: config.LOCAL_PERSIST ? config.LOCAL_STATE_DIR : false });
          return started;
        },
        (err: unknown) => {
          azurite = undefined;
          throw err;
        },
      );
    return azurite;
  };
  closers.push(async () => {
    const started = await azurite?.catch(() => undefined);
    await started?.close();
  });
  const blobs: BlobStore = config.STORAGE_ACCOUNT_URL
    ? new AzureBlobStore({ kind: 'azure', accountUrl: config.STORAGE_ACCOUNT_URL, credential })
    : new AzureBlobStore(async () => ({ kind: 'azurite', endpoint: (await localAzurite()).endpoint }));

  const kek = await buildKek(config, credential, log);
  const keys = new SubjectKeyRing(store, kek, config.KEY_CACHE_SIZE, config.KEY_CACHE_TTL_SECONDS * 1000, config.KEY_CONFIRM_SECONDS * 1000);
  const cipher = new FieldCipher(keys);
  const blindIndex = new BlindIndex(keys);
  const outbox = new Outbox(store, bus, log);
  // The local Azurite is probed only once something started it: a probe must not start it.
  const blobCheck = async (): Promise<BlobCheck> => (config.STORAGE_ACCOUNT_URL || azurite ? ((await blobs.ping(3000)) ? 'ok' : 'unavailable') : 'idle');
  const health = new HealthService(config, store, bus, blobCheck);
  const platform: Platform = { config, log, store, bus, keys, cipher, blindIndex, outbox, blobs };
  // Feature modules load with the app, on the first invocation, not when the host imports the
  // entry point to register functions: that import is on the cold-start path of every instance.
  // One after another: jest's ESM loader races on modules shared by concurrent dynamic imports.
  const { createAuditLog } = await import('./audit/index.js');
  const { createIdentity } = await import('./identity/index.js');
  const { createReporting } = await import('./reporting/index.js');
  const { createIntegrations } = await import('./integrations/index.js');
  const { createConnectorRuns } = await import('./connectors/runs/index.js');
  const { createPrivacy } = await import('./privacy/index.js');
  const { FileMappings } = await import('./files/index.js');
  const { createFileDrops } = await import('./integrations/files.js');
  const { ProfileDisplayNames } = await import('./identity/display-names.js');
  const { PeriodLocks } = await import('./planning/locks.js');
  const { PendingAdjustments } = await import('./planning/adjustments.js');
  const { createPlanning } = await import('./planning/index.js');
  const { SpreadWeights } = await import('./planning/spread-weights.js');
  const { AggregatesReader: SpreadReader } = await import('./reporting/aggregates-reader.js');
  const { LabourStandards } = await import('./planning/labour-standards.js');
  const { createLabourForecast } = await import('./planning/labour-forecast.js');
  const { ConsumptionInputs } = await import('./sustainability/inputs.js');
  const { RollupConsumption } = await import('./sustainability/consumption-rollups.js');
  const { Sustainability } = await import('./sustainability/service.js');
  const { ScenarioService } = await import('./planning/scenarios.js');
  const { AggregatesReader } = await import('./reporting/aggregates-reader.js');
  const identity = await createIdentity(platform, { credential });
  // The audit views open people's names from their profiles (under each person's key) at view time.
  const audit = createAuditLog(platform, { credential, names: new ProfileDisplayNames(platform, identity.users) });
  const deadLetters: DeadLetters = broker ? new LocalDeadLetters(broker) : new ServiceBusDeadLetters(config.SERVICEBUS_NAMESPACE as string, credential);
  // Locks and the adjustments they hold refer to each other and to the import pipeline's fact store,
  // which is built with the gate: each reaches the other when called, never while being built.
  const periodLocks: PeriodLocks = new PeriodLocks(platform, identity.tenants.directory, (tenantId, propertyId, period) => adjustments.pendingIn(tenantId, propertyId, period));
  const adjustments: PendingAdjustments = new PendingAdjustments(platform, periodLocks, () => integrations.processor.facts);
  const integrations = createIntegrations(platform, { properties: identity.tenants.directory, deadLetters, containers: blobs, gate: adjustments });
  const labourStandards = new LabourStandards(platform, identity.tenants.directory);
  // Approved versions become facts through the import pipeline's own FactStore; reports learn which versions they used through a port.
  const planning = createPlanning(platform, {
    directory: identity.tenants.directory,
    facts: integrations.processor.facts,
    locks: periodLocks,
    weights: new SpreadWeights(new SpreadReader(store, identity.tenants.directory)),
    policy: async (tenantId) => ({ selfApproval: (await identity.tenants.settings(tenantId)).planning?.selfApproval === true }),
    // An approved consumption version's readings enter through GoGreen's manual entry (built below; reached when called).
    consumption: { importReadings: (...args) => sustainabilityInputs.importReadings(...args) },
  });
  const connectorRuns = createConnectorRuns(platform, { properties: identity.tenants.directory, receive: (receipt) => integrations.receiveBatches(receipt) });

  // Utility readings travel the import pipeline; GoGreen reads them back from its monthly rollups.
  const sustainabilityConsumption = new RollupConsumption(store);
  const sustainabilityInputs: ConsumptionInputs = new ConsumptionInputs(platform, identity.tenants.directory, integrations, sustainabilityConsumption);

  return {
    ...platform,
    broker,
    deadLetters,
    health,
    identity,
    authenticator: identity.authenticator,
    securityEvents: identity.securityEvents,
    audit,
    // The daily close reaches integrations through its system ports, not as a user.
    reporting: createReporting(platform, {
      properties: identity.tenants.directory,
      groups: identity.propertyGroups,
      sources: {
        recompute: (tenantId, propertyId, dates) => integrations.recompute(tenantId, propertyId, dates),
        lateSources: (tenantId, propertyId, now) => integrations.lateSources(tenantId, propertyId, now),
        lateConnectors: (tenantId, propertyId, now) => connectorRuns.lateConnectors(tenantId, propertyId, now),
      },
      locks: periodLocks,
      plans: planning.versions,
    }),
    integrations,
    connectorRuns,
    blobs,
    azurite: config.STORAGE_ACCOUNT_URL ? undefined : localAzurite,
    files: createFileDrops(platform, { integrations, blobs }),
    fileMappings: new FileMappings(platform),
    privacy: createPrivacy(platform, { identity }),
    periodLocks,
    adjustments,
    planning,
    labourStandards,
    labourForecast: createLabourForecast(platform, { properties: identity.tenants.directory, standards: labourStandards }),
    planningScenarios: new ScenarioService(platform, new AggregatesReader(store, identity.tenants.directory), planning.versions),
    sustainabilityInputs,
    sustainabilityConsumption,
    sustainability: new Sustainability(platform, { directory: identity.tenants.directory, reader: new AggregatesReader(store, identity.tenants.directory), groups: identity.propertyGroups, consumption: sustainabilityConsumption }),
    async close() {
      await identity.close();
      await deadLetters.close();
      await bus.close();
      store.dispose();
      for (const close of closers.reverse()) await close();
    },
  };
}

let appPromise: Promise<App> | undefined;

/**
 * The lazily built app of this process (the only module-level mutable state). The first caller's
 * environment counts: the local host passes its listening URL as the default PUBLIC_BASE_URL.
 */
export function getApp(env: NodeJS.ProcessEnv = process.env): Promise<App> {
  appPromise ??= buildApp(loadConfig(env)).catch((err: unknown) => {
    appPromise = undefined;
    throw err;
  });
  return appPromise;
}

/** Closes the app (local host shutdown, tests). */
export async function closeApp(): Promise<void> {
  const pending = appPromise;
  appPromise = undefined;
  if (pending) await (await pending).close();
}
