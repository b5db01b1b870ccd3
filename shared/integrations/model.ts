import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import type { SourceType } from './formats/index.js';
import type { PersonalFields } from './formats/format.js';
import type { Contribution, DepartmentMeasure, IntegrationMappings, PropertyMeasure, Scenario, UsaliLine } from './measures.js';
import type { RecordError } from './parse.js';

/**
 * Facts written by planning (an approved budget, forecast or manual-actuals version spread over
 * days) rather than by a source system: the same pipeline, a source of their own, so aggregates
 * can give them precedence (aggregate.ts) and say where a figure came from.
 */
export const PLANNING_SOURCE = 'planning';
export type FactSource = SourceType | typeof PLANNING_SOURCE;

/**
 * A normalised source record. Id: `f:<sourceType>:<hash of tenant, property, source type, source record id>`.
 * Time records also carry the blind index of the employee number, the data subject, and the fields sealed under its key.
 */
export interface FactItem extends Item, Partial<PersonalFields> {
  type: 'fact';
  sourceType: FactSource;
  propertyId: string;
  integrationId: string;
  date: string;
  scenario: Scenario;
  /** The source system's record id (sealed instead for time records: `enc.sourceRecordId`). */
  sourceRecordId?: string;
  contributions: Contribution[];
  /** Keyed hash of the normalised content: an identical re-send is not written again. */
  digest: string;
  importId: string;
  updatedAt: string;
  /** A tombstone: the source deleted the record (no contributions; kept so retries know its day). */
  deleted?: boolean;
}

/** The facts and aggregates of one (property, date), so a recompute reads them by id, never by query. */
export interface FactDayItem extends Item {
  type: 'factDay';
  propertyId: string;
  date: string;
  factIds: string[];
  aggregateIds: string[];
  /** The ETag of each listed fact's version that the committed aggregates were computed from. */
  factVersions?: Record<string, string>;
  updatedAt: string;
}

/** A daily aggregate: what reports read. See docs/data-model.md §Aggregates. */
export interface AggregateBase extends Item {
  type: 'dailyAggregate';
  level: 'department' | 'property';
  propertyId: string;
  date: string;
  departmentId: string | null;
  scenario: Scenario;
  /** Set on the aggregate of monthly figures (dated on the month's last day): reports spread it over the month. */
  period?: string;
  usali: Partial<Record<UsaliLine, number>>;
  /** Utility consumption by path (`electricity.gridKwh`, …; measures.ts UTILITY_PREFIX): only on aggregates with utility facts. */
  utility?: Record<string, number>;
  factCount: number;
  sources: Partial<Record<FactSource, number>>;
  /** Time records whose cost could not be read because the employee was redacted. */
  labourCostUnavailable?: number;
  computedAt: string;
}

export type AggregateItem = AggregateBase & Partial<Record<DepartmentMeasure | PropertyMeasure, number>>;

export type ImportStatus = 'queued' | 'accepted' | 'partial' | 'rejected' | 'failed';

export interface ImportCounts {
  records: number;
  accepted: number;
  rejected: number;
  upserted: number;
  unchanged: number;
  deleted: number;
  aggregatesWritten: number;
  storeWrites: number;
  /** Upserts and deletions held for approval because they would change a locked month (docs/planning.md). */
  held?: number;
  /** The pending adjustment holding them. */
  adjustmentId?: string;
}

export interface ImportItem extends Item, OutboxCarrier {
  type: 'import';
  integrationId: string;
  propertyId: string;
  sourceType: SourceType;
  format: 'json' | 'csv';
  webhookId: string;
  status: ImportStatus;
  receivedAt: string;
  bytes: number;
  /** Processing runs requested: 1 at receipt, +1 per replay. */
  run: number;
  processedRun?: number;
  counts?: ImportCounts;
  errors?: RecordError[];
  errorCount?: number;
  failure?: { reason: string; detail: string };
  startedAt?: string;
  completedAt?: string;
  processingMs?: number;
  touchedDates?: string[];
  /** Where the sealed body is (inline when `chunks` is 0), whether it is gzip-compressed, and when retention removed it. */
  /** `blob`: the body's blob in the tenant's raw container; `chunks` > 0: chunk items (bodies stored before blobs); neither: inline in `enc.raw`. */
  raw: { chunks: number; encoding?: 'gzip' | 'identity'; blob?: string; purgedAt?: string };
  enc?: { raw?: Sealed };
  /** Imports of a `file` integration: the file their records came from. */
  file?: { id: string; name: string };
}

export interface RawChunkItem extends Item {
  type: 'importRaw';
  /** The import's property: the chunk lives in its partition. */
  propertyId: string;
  importId: string;
  index: number;
  receivedAt: string;
  enc: { raw: Sealed };
}

export interface SecretRef {
  id: string;
  createdAt: string;
  /** Set on the previous secret when a new one is issued: valid until then. */
  expiresAt?: string;
}

/**
 * How data reaches an integration: `webhook` (our canonical body, Standard Webhooks signature),
 * `pull` (we call the vendor's API on a schedule), `vendor-push` (the vendor calls us its own way) or
 * `file` (files uploaded over HTTPS or dropped into the integration's blob container, e.g. by SFTP).
 * Items stored before kinds existed have none and are webhooks.
 */
export type IntegrationKind = 'webhook' | 'pull' | 'vendor-push' | 'file';

export const INTEGRATION_KINDS = ['webhook', 'pull', 'vendor-push', 'file'] as const satisfies readonly IntegrationKind[];

/** Which credential fields are set (never their values) and when they were last set. */
export interface CredentialsRef {
  fields: string[];
  rotatedAt: string;
}

export interface IntegrationItem extends Item, OutboxCarrier {
  type: 'integration';
  /** Absent on items written before kinds existed: a webhook (see kindOf). */
  kind?: IntegrationKind;
  /** The registry id of the connector of a pull or vendor-push integration. */
  connector?: string;
  /** The connector's settings, validated by its zod schema (non-secret). */
  settings?: Record<string, unknown>;
  /** Every source type the integration feeds (a connector may feed several); `sourceType` is the first. */
  sourceTypes?: SourceType[];
  credentials?: CredentialsRef;
  propertyId: string;
  sourceType: SourceType;
  name: string;
  format: 'json' | 'csv';
  mappings: IntegrationMappings;
  enabled: boolean;
  acceptance: 'all-or-nothing' | 'row-level';
  secrets: SecretRef[];
  /** Webhook signing secrets by id; a connector integration's credentials, sealed as one JSON document. */
  enc: { secrets: Record<string, Sealed>; credentials?: Sealed };
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export function kindOf(item: Pick<IntegrationItem, 'kind'>): IntegrationKind {
  return item.kind ?? 'webhook';
}

/** The source types an integration feeds: several for a connector, one for a webhook. */
export function sourceTypesOf(item: Pick<IntegrationItem, 'sourceType' | 'sourceTypes'>): SourceType[] {
  return item.sourceTypes && item.sourceTypes.length > 0 ? [...item.sourceTypes] : [item.sourceType];
}

/** Platform-level pointer from an integration id to its tenant: webhooks carry no token. */
export interface IntegrationIndexItem extends Item {
  type: 'integrationIndex';
  integrationId: string;
  integrationTenantId: string;
}

/**
 * A file received by a `file` integration (uploaded or dropped), sealed like a raw body (the claim
 * check of raw-store.ts, retained as long). Id: `fil_<hash of integration, file name, version>`, so a
 * re-delivered drop event or a repeated upload of the same bytes finds it and imports nothing twice.
 */
export interface FileItem extends Item, OutboxCarrier {
  type: 'file';
  integrationId: string;
  propertyId: string;
  name: string;
  contentType: string;
  bytes: number;
  /** The version received: the blob's ETag for a drop, a hash of the bytes for an upload. */
  version: string;
  origin: 'upload' | 'drop';
  receivedAt: string;
  /** `imported`: batches handed to the import pipeline (their imports say how they went); `rejected`: the file could not be read. */
  status: 'imported' | 'rejected';
  records: number;
  importIds: string[];
  errors?: RecordError[];
  errorCount?: number;
  /** `blob`: the body's blob in the tenant's raw container; `chunks` > 0: chunk items (bodies stored before blobs); neither: inline in `enc.raw`. */
  raw: { chunks: number; encoding?: 'gzip' | 'identity'; blob?: string; purgedAt?: string };
  enc?: { raw?: Sealed };
}
