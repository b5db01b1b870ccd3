import { createHash } from 'node:crypto';
import type { FieldCipher, BlindIndex } from '../platform/crypto/field-cipher.js';
import { SubjectRedactedError } from '../platform/crypto/errors.js';
import type {
  AmsRecord,
  PmsRecord,
  PosRecord,
  ReservationRecord,
  RmsRecord,
  SncRecord,
  SourceType,
  TmsRecord,
} from './formats/index.js';
import { isDepartmentalLine, type Contribution, type FactItem, type IntegrationMappings, type Scenario } from './model.js';
import type { ParsedRecord, RecordError, RecordLocation } from './parse.js';

export interface NormaliseContext {
  tenantId: string;
  propertyId: string;
  integrationId: string;
  importId: string;
  sourceType: SourceType;
  mappings: IntegrationMappings;
  /** The property-local date the body was received: earlier dates are actuals, later ones on the books. */
  receivedDate: string;
  now: string;
}

export interface NormalisePorts {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
}

export type FactDraft = Omit<FactItem, '_etag' | '_ts'>;

export interface NormalisedBatch {
  upserts: FactDraft[];
  /** Fact ids to remove. */
  deletions: string[];
  errors: RecordError[];
  /** Records that produced a fact or a deletion. */
  accepted: number;
}

function hash(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);
}

/** The deterministic fact id of a source record: the same record always lands on the same item. */
export function factId(tenantId: string, propertyId: string, sourceType: SourceType, sourceRecordId: string, variant = ''): string {
  return `f:${sourceType}:${hash([tenantId, propertyId, sourceType, sourceRecordId, variant])}`;
}

/** The fact ids a source record id may occupy (PMS keeps an actual and an on-the-books fact per record). */
export function factIdsOf(ctx: Pick<NormaliseContext, 'tenantId' | 'propertyId' | 'sourceType'>, sourceRecordId: string): string[] {
  if (ctx.sourceType === 'pms') return ['actual', 'onTheBooks'].map((v) => factId(ctx.tenantId, ctx.propertyId, 'pms', sourceRecordId, v));
  return [factId(ctx.tenantId, ctx.propertyId, ctx.sourceType, sourceRecordId)];
}

/** Data subject of an employee: derived from the blind index, so the employee number itself is never a key. */
export function employeeSubjectId(employeeIndex: string): string {
  return `emp:${employeeIndex}`;
}

function lastDayOfMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m, 0));
  return d.toISOString().slice(0, 10);
}

class RecordRejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function department(ctx: NormaliseContext, codeValue: string, field: string): string {
  const id = ctx.mappings.departments[codeValue];
  if (!id) throw new RecordRejected(field, `unknown code '${codeValue}': map it to a department in the integration`);
  return id;
}

function timeScenario(ctx: NormaliseContext, date: string): Scenario {
  return date < ctx.receivedDate ? 'actual' : 'onTheBooks';
}

interface Shape {
  date: string;
  scenario: Scenario;
  contributions: Contribution[];
  variant?: string;
}

function shapeOf(ctx: NormaliseContext, record: unknown): Shape {
  switch (ctx.sourceType) {
    case 'pos': {
      const r = record as PosRecord;
      return {
        date: r.businessDate,
        scenario: 'actual',
        contributions: [
          {
            departmentId: department(ctx, r.outlet, 'outlet'),
            measures: { revenue: r.netRevenue, tax: r.tax, discounts: r.discounts, covers: r.covers, checks: r.checks },
          },
        ],
      };
    }
    case 'frs':
    case 'trs': {
      const r = record as ReservationRecord;
      // Booked covers count the reservations still held; cancellations and no-shows are counted apart.
      const measures = r.status === 'cancelled' ? { cancellations: 1 } : r.status === 'noShow' ? { noShows: 1 } : { reservations: 1, reservedCovers: r.covers };
      return {
        date: r.date,
        scenario: timeScenario(ctx, r.date),
        contributions: [{ departmentId: department(ctx, r.outlet, 'outlet'), measures }],
      };
    }
    case 'tms': {
      const r = record as TmsRecord;
      return {
        date: r.date,
        scenario: 'actual',
        // Labour cost is added from the sealed value when aggregating: it is never stored in clear.
        contributions: [
          { departmentId: department(ctx, r.department, 'department'), measures: { productiveHours: r.productiveHours, nonProductiveHours: r.nonProductiveHours } },
        ],
      };
    }
    case 'pms': {
      const r = record as PmsRecord;
      const scenario = r.kind ?? timeScenario(ctx, r.date);
      return {
        date: r.date,
        scenario,
        variant: scenario,
        contributions: [
          {
            departmentId: null,
            snapshot: true,
            measures: {
              roomsAvailable: r.roomsAvailable,
              outOfOrder: r.outOfOrder,
              roomsSold: r.roomsSold,
              complimentary: r.complimentary,
              roomRevenue: r.roomRevenue,
              guests: r.guests,
              arrivals: r.arrivals,
              departures: r.departures,
            },
          },
        ],
      };
    }
    case 'rms': {
      const r = record as RmsRecord;
      const revenue = r.roomRevenue ?? Math.round(r.rooms * (r.adr ?? 0) * 100) / 100;
      return { date: r.date, scenario: 'forecast', contributions: [{ departmentId: null, snapshot: true, measures: { roomsSold: r.rooms, roomRevenue: revenue } }] };
    }
    case 'snc': {
      const r = record as SncRecord;
      const counts = r.status === 'definite';
      const fnb = department(ctx, r.department, 'department');
      const rental = r.rentalDepartment ? department(ctx, r.rentalDepartment, 'rentalDepartment') : fnb;
      const contributions: Contribution[] = [];
      if (counts) {
        if (rental === fnb) {
          contributions.push({ departmentId: fnb, measures: { revenue: r.foodAndBeverageRevenue + r.roomRentalRevenue, eventAttendees: r.attendees } });
        } else {
          contributions.push({ departmentId: fnb, measures: { revenue: r.foodAndBeverageRevenue, eventAttendees: r.attendees } });
          contributions.push({ departmentId: rental, measures: { revenue: r.roomRentalRevenue } });
        }
        contributions.push({ departmentId: null, measures: { groupRooms: r.groupRooms } });
      }
      return { date: r.date, scenario: timeScenario(ctx, r.date), contributions };
    }
    case 'ams': {
      const r = record as AmsRecord;
      const line = ctx.mappings.accounts[r.account];
      if (!line) throw new RecordRejected('account', `unknown account '${r.account}': map it to a USALI line in the integration`);
      // A monthly line is filed under its month's last day and aggregated apart; reports spread it over the month.
      const date = r.date ?? lastDayOfMonth(r.period as string);
      let departmentId: string | null = null;
      if (isDepartmentalLine(line)) {
        if (!r.department) throw new RecordRejected('department', `account '${r.account}' maps to the departmental line '${line}': a department is required`);
        departmentId = department(ctx, r.department, 'department');
      }
      return { date, scenario: r.kind, contributions: [{ departmentId, measures: { [`usali.${line}`]: r.amount }, ...(r.period ? { period: r.period } : {}) }] };
    }
  }
}

/**
 * Turns validated records into facts with deterministic ids, or deletions. Unknown codes and
 * accounts are per-record errors. Within one batch the last record with a given id wins. Time
 * records get their employee number, cost and record id sealed under the employee's data key.
 */
export async function normalise(ctx: NormaliseContext, records: Array<ParsedRecord<unknown>>, ports: NormalisePorts): Promise<NormalisedBatch> {
  const out: NormalisedBatch = { upserts: [], deletions: [], errors: [], accepted: 0 };
  const lastIndex = new Map<string, number>();
  records.forEach((r, i) => lastIndex.set(r.deleted ? r.id : (r.record as { id: string }).id, i));
  const deletions = new Set<string>();
  const upserts = new Map<string, FactDraft>();
  for (let i = 0; i < records.length; i++) {
    const parsed = records[i] as ParsedRecord<unknown>;
    const sourceRecordId = parsed.deleted ? parsed.id : (parsed.record as { id: string }).id;
    if (lastIndex.get(sourceRecordId) !== i) {
      out.accepted += 1; // superseded by a later record with the same id in this batch
      continue;
    }
    const loc: RecordLocation = {};
    if (parsed.row !== undefined) loc.row = parsed.row;
    if (parsed.path !== undefined) loc.path = parsed.path;
    if (parsed.deleted) {
      for (const id of factIdsOf(ctx, sourceRecordId)) deletions.add(id);
      out.accepted += 1;
      continue;
    }
    let shape: Shape;
    try {
      shape = shapeOf(ctx, parsed.record);
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      out.errors.push({ ...loc, recordId: ctx.sourceType === 'tms' ? undefined : sourceRecordId, field: err.field, message: err.message });
      continue;
    }
    const id = factId(ctx.tenantId, ctx.propertyId, ctx.sourceType, sourceRecordId, shape.variant ?? '');
    // A PMS record that moved from on-the-books to actual leaves its other variant behind: remove it.
    for (const other of factIdsOf(ctx, sourceRecordId)) if (other !== id) deletions.add(other);
    const content: Record<string, unknown> = { date: shape.date, scenario: shape.scenario, contributions: shape.contributions };
    const fact: FactDraft = {
      id,
      tenantId: ctx.tenantId,
      type: 'fact',
      sourceType: ctx.sourceType,
      propertyId: ctx.propertyId,
      integrationId: ctx.integrationId,
      date: shape.date,
      scenario: shape.scenario,
      contributions: shape.contributions,
      digest: '',
      importId: ctx.importId,
      updatedAt: ctx.now,
    };
    if (ctx.sourceType === 'tms') {
      const r = parsed.record as TmsRecord;
      const employeeIndex = await ports.blindIndex.compute(ctx.tenantId, 'employeeNumber', r.employeeNumber);
      const subjectId = employeeSubjectId(employeeIndex);
      const seal = (field: string, value: string) => ports.cipher.seal({ tenantId: ctx.tenantId, subjectId, field, recordId: id }, value);
      fact.employeeIndex = employeeIndex;
      fact.subjectId = subjectId;
      try {
        fact.enc = {
          employeeNumber: await seal('timeRecord.employeeNumber', r.employeeNumber),
          labourCost: await seal('timeRecord.labourCost', String(r.labourCost)),
          sourceRecordId: await seal('timeRecord.sourceRecordId', sourceRecordId),
        };
      } catch (err) {
        // The employee was redacted (key shredded): their records are refused one by one, so a
        // re-send that still names them doesn't fail the whole batch; the stored fact stays as it was.
        if (!(err instanceof SubjectRedactedError)) throw err;
        out.errors.push({ ...loc, field: 'employeeNumber', message: 'this employee was redacted; their time records are no longer accepted' });
        continue;
      }
      content.personal = [employeeIndex, r.labourCost, sourceRecordId];
    } else {
      fact.sourceRecordId = sourceRecordId;
    }
    // Keyed, so the digest of a time record says nothing about the cost or employee it covers.
    fact.digest = await ports.blindIndex.compute(ctx.tenantId, 'externalId', `fact:${JSON.stringify(content)}`);
    upserts.set(id, fact);
    deletions.delete(id);
    out.accepted += 1;
  }
  out.upserts = [...upserts.values()];
  out.deletions = [...deletions].filter((id) => !upserts.has(id));
  return out;
}
