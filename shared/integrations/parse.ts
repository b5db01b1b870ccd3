import type { z } from 'zod';
import { readCsv, CsvFormatError, decodeUtf8 } from './csv.js';
import { deletionSchema, type CsvTypes } from './formats/common.js';
import type { SourceFormat } from './formats/format.js';

/** Where a record sits in the body: a CSV line or a JSON path. */
export interface RecordLocation {
  row?: number;
  path?: string;
}

/** One complaint about one record (or the whole body, with field `body`). */
export interface RecordError extends RecordLocation {
  recordId?: string;
  field: string;
  message: string;
}

export type ParsedRecord<R> = RecordLocation & ({ deleted: false; record: R } | { deleted: true; id: string });

export interface ParseResult<R> {
  /** Records found in the body (valid or not). */
  total: number;
  records: Array<ParsedRecord<R>>;
  errors: RecordError[];
  /** Set when the body as a whole could not be read: nothing in it is usable. */
  fatal?: RecordError;
}

function issuesToErrors(issues: z.core.$ZodIssue[], loc: RecordLocation, recordId: string | undefined): RecordError[] {
  return issues.map((issue) => {
    const field = issue.path.map(String).join('.') || 'record';
    const extra = issue.code === 'unrecognized_keys' ? `: ${issue.keys.map((k) => `'${k}'`).join(', ')}` : '';
    const e: RecordError = { ...loc, field, message: issue.message + extra };
    if (recordId !== undefined) e.recordId = recordId;
    return e;
  });
}

function validateOne<R extends { id: string }>(format: SourceFormat<R>, input: unknown, loc: RecordLocation): { ok: ParsedRecord<R> } | { errors: RecordError[] } {
  const obj = input as Record<string, unknown> | null;
  const recordId = obj && typeof obj === 'object' && typeof obj.id === 'string' ? obj.id : undefined;
  if (obj && typeof obj === 'object' && !Array.isArray(obj) && obj.deleted === true) {
    const parsed = deletionSchema.safeParse(obj);
    if (!parsed.success) return { errors: issuesToErrors(parsed.error.issues, loc, recordId) };
    return { ok: { ...loc, deleted: true, id: parsed.data.id } };
  }
  const parsed = format.record.safeParse(input);
  if (!parsed.success) return { errors: issuesToErrors(parsed.error.issues, loc, recordId) };
  return { ok: { ...loc, deleted: false, record: parsed.data } };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

function csvValue(column: string, value: string, csv: CsvTypes, delimiter: ',' | ';'): unknown {
  const v = value.trim();
  if (v === '') return undefined;
  if (column === 'deleted' || csv.booleans?.includes(column)) {
    const lower = v.toLowerCase();
    if (['true', '1', 'yes'].includes(lower)) return true;
    if (['false', '0', 'no'].includes(lower)) return column === 'deleted' ? undefined : false;
    return v;
  }
  if (csv.numbers.includes(column)) {
    // Semicolon files come from locales that write decimal commas (1234,50).
    const text = delimiter === ';' && DECIMAL_COMMA.test(v) ? v.replace(',', '.') : v;
    return NUMBER.test(text) ? Number(text) : v;
  }
  return v;
}

function parseCsvBody<R extends { id: string }>(format: SourceFormat<R>, raw: Buffer): ParseResult<R> {
  const table = readCsv(raw);
  const result: ParseResult<R> = { total: table.rows.length, records: [], errors: [] };
  for (const row of table.rows) {
    const loc = { row: row.line };
    if (row.fieldCountError) {
      result.errors.push({ ...loc, field: 'row', message: row.fieldCountError });
      continue;
    }
    const input: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(row.values)) {
      const converted = csvValue(column, value, format.csv, table.delimiter);
      if (converted !== undefined) input[column] = converted;
    }
    const out = validateOne(format, input, loc);
    if ('ok' in out) result.records.push(out.ok);
    else result.errors.push(...out.errors);
  }
  return result;
}

function parseJsonBody<R extends { id: string }>(format: SourceFormat<R>, raw: Buffer): ParseResult<R> {
  let body: unknown;
  try {
    body = JSON.parse(decodeUtf8(raw));
  } catch (err) {
    const message = err instanceof CsvFormatError ? err.message : 'the body is not valid JSON';
    return { total: 0, records: [], errors: [], fatal: { field: 'body', message } };
  }
  const b = body as { records?: unknown } | null;
  if (!b || typeof b !== 'object' || Array.isArray(b) || !Array.isArray(b.records)) {
    return { total: 0, records: [], errors: [], fatal: { path: '$', field: 'records', message: 'expected an object with a records array' } };
  }
  const extra = Object.keys(b).filter((k) => k !== 'records');
  const result: ParseResult<R> = { total: b.records.length, records: [], errors: [] };
  if (extra.length > 0) {
    result.fatal = { path: '$', field: extra[0] as string, message: `unknown top-level members: ${extra.map((k) => `'${k}'`).join(', ')}` };
    return result;
  }
  b.records.forEach((input, i) => {
    const out = validateOne(format, input, { path: `$.records[${i}]` });
    if ('ok' in out) result.records.push(out.ok);
    else result.errors.push(...out.errors);
  });
  return result;
}

/**
 * Parses and validates a body in the integration's format against the source type's canonical
 * schema. Never throws for bad input: unreadable bodies come back as `fatal`, bad records as `errors`.
 */
export function parseBatch<R extends { id: string }>(format: SourceFormat<R>, bodyFormat: 'json' | 'csv', raw: Buffer): ParseResult<R> {
  if (bodyFormat === 'json') return parseJsonBody(format, raw);
  try {
    return parseCsvBody(format, raw);
  } catch (err) {
    if (err instanceof CsvFormatError) return { total: 0, records: [], errors: [], fatal: { field: 'body', message: err.message } };
    throw err;
  }
}

/** Records that failed, counted once per record (a record can have several field errors). */
export function failedRecordCount(errors: RecordError[]): number {
  return new Set(errors.map((e) => `${e.row ?? ''}|${e.path ?? ''}`)).size;
}
