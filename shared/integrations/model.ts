import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';
import type { SourceType } from './formats/index.js';
import type { RecordError } from './parse.js';

export const SCENARIOS = ['actual', 'budget', 'forecast', 'onTheBooks'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** USALI 11th-edition summary lines that AMS accounts map to. Departmental lines need a department. */
export const DEPARTMENTAL_LINES = ['revenue', 'costOfSales', 'payrollAndRelated', 'otherExpenses'] as const;
export const PROPERTY_LINES = [
  'miscellaneousIncome',
  'administrativeAndGeneral',
  'informationAndTelecommunications',
  'salesAndMarketing',
  'propertyOperationAndMaintenance',
  'utilities',
  'managementFees',
  'nonOperatingIncome',
  'nonOperatingExpenses',
  'replacementReserve',
] as const;
export const USALI_LINES = [...DEPARTMENTAL_LINES, ...PROPERTY_LINES] as const;
export type UsaliLine = (typeof USALI_LINES)[number];

export function isDepartmentalLine(line: UsaliLine): boolean {
  return (DEPARTMENTAL_LINES as readonly string[]).includes(line);
}

/** Department-level measures: flows, summed over facts. Money in currency units, hours in hours. */
export const DEPARTMENT_MEASURES = [
  'revenue',
  'tax',
  'discounts',
  'covers',
  'checks',
  'reservations',
  'reservedCovers',
  'cancellations',
  'noShows',
  'eventAttendees',
  'productiveHours',
  'nonProductiveHours',
  'labourCost',
] as const;
export type DepartmentMeasure = (typeof DEPARTMENT_MEASURES)[number];

/** Property-level statistics. PMS and RMS figures are snapshots (the latest record of a date wins); groupRooms is a flow. */
export const PROPERTY_MEASURES = [
  'roomsAvailable',
  'outOfOrder',
  'roomsSold',
  'complimentary',
  'roomRevenue',
  'guests',
  'arrivals',
  'departures',
  'groupRooms',
] as const;
export type PropertyMeasure = (typeof PROPERTY_MEASURES)[number];

export type Measure = DepartmentMeasure | PropertyMeasure | `usali.${UsaliLine}`;

/** Measures summed in hundredths (money, hours) so sums don't depend on the order facts are read in. */
export const FRACTIONAL: ReadonlySet<string> = new Set([
  'revenue',
  'tax',
  'discounts',
  'productiveHours',
  'nonProductiveHours',
  'labourCost',
  'roomRevenue',
  ...USALI_LINES.map((l) => `usali.${l}`),
]);

/** What one fact adds to one (department or property, scenario) of its date. */
export interface Contribution {
  /** null: property level. */
  departmentId: string | null;
  measures: Partial<Record<Measure, number>>;
  /** Snapshot contributions replace each other (latest wins) instead of adding up. */
  snapshot?: boolean;
  /** A figure for a whole month (`YYYY-MM`, AMS trial-balance lines): aggregated apart, spread over the month by reports. */
  period?: string;
}

/** A normalised source record. Id: `f:<sourceType>:<hash of tenant, property, source type, source record id>`. */
export interface FactItem extends Item {
  type: 'fact';
  sourceType: SourceType;
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
  /** Time records: blind index of the employee number, and the data subject the sealed fields belong to. */
  employeeIndex?: string;
  subjectId?: string;
  enc?: { employeeNumber?: Sealed; labourCost?: Sealed; sourceRecordId?: Sealed };
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
  factCount: number;
  sources: Partial<Record<SourceType, number>>;
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
  raw: { chunks: number; encoding?: 'gzip' | 'identity'; purgedAt?: string };
  enc?: { raw?: Sealed };
}

export interface RawChunkItem extends Item {
  type: 'importRaw';
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

export interface IntegrationMappings {
  /** Source department/outlet code → the property's department id. */
  departments: Record<string, string>;
  /** AMS GL account → USALI line. */
  accounts: Record<string, UsaliLine>;
}

export interface IntegrationItem extends Item, OutboxCarrier {
  type: 'integration';
  propertyId: string;
  sourceType: SourceType;
  name: string;
  format: 'json' | 'csv';
  mappings: IntegrationMappings;
  enabled: boolean;
  acceptance: 'all-or-nothing' | 'row-level';
  secrets: SecretRef[];
  enc: { secrets: Record<string, Sealed> };
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

/** Platform-level pointer from an integration id to its tenant: webhooks carry no token. */
export interface IntegrationIndexItem extends Item {
  type: 'integrationIndex';
  integrationId: string;
  integrationTenantId: string;
}
