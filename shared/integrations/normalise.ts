import { createHash } from 'node:crypto';
import type { FactShape, SourceFormat } from './formats/index.js';
import type { PersonalPorts } from './formats/format.js';
import { RecordRejected } from './formats/mapping.js';
import type { IntegrationMappings } from './measures.js';
import type { FactItem } from './model.js';
import type { ParsedRecord, RecordError, RecordLocation } from './parse.js';

export interface NormaliseContext {
  tenantId: string;
  propertyId: string;
  integrationId: string;
  importId: string;
  mappings: IntegrationMappings;
  /** The property-local date the body was received: earlier dates are actuals, later ones on the books. */
  receivedDate: string;
  /** The property's IANA time zone (MappingContext.timeZone). */
  timeZone?: string;
  now: string;
}

export type NormalisePorts = PersonalPorts;

/** A fact before the store has seen it, of the source type `T` of the format that produced it. */
export type FactDraft<T extends string = FactItem['sourceType']> = Omit<FactItem, '_etag' | '_ts' | 'sourceType'> & { sourceType: T };

export interface NormalisedBatch<T extends string = FactItem['sourceType']> {
  upserts: Array<FactDraft<T>>;
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
export function factId(tenantId: string, propertyId: string, sourceType: string, sourceRecordId: string, variant = ''): string {
  return `f:${sourceType}:${hash([tenantId, propertyId, sourceType, sourceRecordId, variant])}`;
}

/** The fact ids a source record id may occupy: one per variant of its format, or just one. */
function factIdsOf(format: Pick<SourceFormat, 'type' | 'variants'>, ctx: NormaliseContext, sourceRecordId: string): string[] {
  return (format.variants ?? ['']).map((v) => factId(ctx.tenantId, ctx.propertyId, format.type, sourceRecordId, v));
}

function sourceRecordIdOf<R extends { id: string }>(parsed: ParsedRecord<R>): string {
  return parsed.deleted ? parsed.id : parsed.record.id;
}

/**
 * Turns records validated by `format` into facts with deterministic ids, or deletions: the same
 * for every format, which says what a record adds to its day and, for records about a person,
 * what is sealed under their key. Records the format rejects (unmapped codes, redacted people)
 * are per-record errors. Within one batch the last record with a given id wins.
 */
export async function normalise<R extends { id: string }, T extends string>(
  format: SourceFormat<R, T>,
  ctx: NormaliseContext,
  records: Array<ParsedRecord<R>>,
  ports: NormalisePorts,
): Promise<NormalisedBatch<T>> {
  const out: NormalisedBatch<T> = { upserts: [], deletions: [], errors: [], accepted: 0 };
  const lastIndex = new Map<string, number>();
  records.forEach((r, i) => lastIndex.set(sourceRecordIdOf(r), i));
  const deletions = new Set<string>();
  const upserts = new Map<string, FactDraft<T>>();
  for (const [i, parsed] of records.entries()) {
    const sourceRecordId = sourceRecordIdOf(parsed);
    if (lastIndex.get(sourceRecordId) !== i) {
      out.accepted += 1; // superseded by a later record with the same id in this batch
      continue;
    }
    const loc: RecordLocation = {};
    if (parsed.row !== undefined) loc.row = parsed.row;
    if (parsed.path !== undefined) loc.path = parsed.path;
    if (parsed.deleted) {
      for (const id of factIdsOf(format, ctx, sourceRecordId)) deletions.add(id);
      out.accepted += 1;
      continue;
    }
    // A record about a person is not named in clear, not even in an error.
    const named = format.personal ? {} : { recordId: sourceRecordId };
    let shape: FactShape;
    try {
      shape = format.toFact(parsed.record, ctx);
    } catch (err) {
      if (!(err instanceof RecordRejected)) throw err;
      out.errors.push({ ...loc, ...named, field: err.field, message: err.message });
      continue;
    }
    const id = factId(ctx.tenantId, ctx.propertyId, format.type, sourceRecordId, shape.variant ?? '');
    // A record that moved to another variant (PMS: on the books to actual) leaves the one it left: remove it.
    for (const other of factIdsOf(format, ctx, sourceRecordId)) if (other !== id) deletions.add(other);
    const content: Record<string, unknown> = { date: shape.date, scenario: shape.scenario, contributions: shape.contributions };
    const fact: FactDraft<T> = {
      id,
      tenantId: ctx.tenantId,
      type: 'fact',
      sourceType: format.type,
      propertyId: ctx.propertyId,
      integrationId: ctx.integrationId,
      date: shape.date,
      scenario: shape.scenario,
      contributions: shape.contributions,
      digest: '',
      importId: ctx.importId,
      updatedAt: ctx.now,
    };
    if (format.personal) {
      try {
        const personal = await format.personal(parsed.record, { tenantId: ctx.tenantId, factId: id, sourceRecordId }, ports);
        fact.employeeIndex = personal.employeeIndex;
        fact.subjectId = personal.subjectId;
        fact.enc = personal.enc;
        content.personal = personal.digest;
      } catch (err) {
        if (!(err instanceof RecordRejected)) throw err;
        out.errors.push({ ...loc, field: err.field, message: err.message });
        continue;
      }
    } else {
      fact.sourceRecordId = sourceRecordId;
    }
    // Keyed, so the digest of a record about a person says nothing about what it holds.
    fact.digest = await ports.blindIndex.compute(ctx.tenantId, 'externalId', `fact:${JSON.stringify(content)}`);
    upserts.set(id, fact);
    deletions.delete(id);
    out.accepted += 1;
  }
  out.upserts = [...upserts.values()];
  out.deletions = [...deletions].filter((id) => !upserts.has(id));
  return out;
}
