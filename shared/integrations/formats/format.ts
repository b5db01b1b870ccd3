import type { z } from 'zod';
import type { BlindIndex, FieldCipher, Sealed } from '../../platform/crypto/field-cipher.js';
import type { Contribution, IntegrationMappings, Scenario } from '../measures.js';
import type { CsvTypes } from './common.js';

/** What a record's mapping may know of its integration and delivery. */
export interface MappingContext {
  mappings: IntegrationMappings;
  /** The property-local date the body was received: earlier dates are actuals, later ones on the books. */
  receivedDate: string;
  /** The property's IANA time zone, for records that state wall-clock times (absent: UTC). */
  timeZone?: string;
}

/** What one record adds to one day. */
export interface FactShape {
  date: string;
  scenario: Scenario;
  contributions: Contribution[];
  /** Which of the format's `variants` this fact is. */
  variant?: string;
}

/** The personal part of a fact: whose it is (a blind index, never the employee number) and what is sealed under their key. */
export interface PersonalFields {
  employeeIndex: string;
  subjectId: string;
  enc: { employeeNumber?: Sealed; labourCost?: Sealed; sourceRecordId?: Sealed };
}

/** Where a record's personal fields are sealed: the fact they belong to. */
export interface PersonalTarget {
  tenantId: string;
  factId: string;
  sourceRecordId: string;
}

export interface PersonalPorts {
  cipher: FieldCipher;
  blindIndex: BlindIndex;
}

/**
 * One source format: its canonical record, how CSV cells are read into it, and how a validated
 * record becomes a fact. The import pipeline (`normalise.ts`) drives every format the same way.
 *
 * @example
 * export const rms: SourceFormat<RmsRecord, 'rms'> = { type: 'rms', record: rmsRecord, csv: rmsCsv, toFact: rmsFact, ... };
 */
export interface SourceFormat<R extends { id: string } = { id: string }, T extends string = string> {
  readonly type: T;
  title: string;
  description: string;
  /** The canonical record; its JSON Schema is published for integrators. */
  record: z.ZodType<R>;
  csv: CsvTypes;
  example: { json: unknown; csv: string };
  /**
   * Facts one record id holds side by side (PMS: an actual and an on-the-books figure). A record
   * that moves from one variant to another removes the one it left; absent: one fact per record.
   */
  variants?: readonly string[];
  /** What the record adds to its day; throws `RecordRejected` when the integration's mappings can't place it. */
  toFact(record: R, ctx: MappingContext): FactShape;
  /**
   * For records about a person: their blind index and the fields sealed under their key. The
   * record id is then sealed too, so it is neither stored nor reported in clear. `digest` is what
   * of the personal data the fact's keyed digest covers.
   */
  personal?(record: R, target: PersonalTarget, ports: PersonalPorts): Promise<PersonalFields & { digest: unknown[] }>;
}
