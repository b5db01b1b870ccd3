import { createHash } from 'node:crypto';
import type { CanonicalBatch } from '../connectors/connector.js';
import { FORMATS } from '../integrations/formats/index.js';
import { fieldsOf, type FileMapping, type FileOptions } from './mapping.js';
import { readCsvBatches } from './readers/csv.js';
import { readXlsxBatches } from './readers/xlsx.js';
import { readXml } from './readers/xml.js';
import { FileFormatError, headerKey, type FileInput, type SourceRow } from './readers/source.js';
import { isBlank, readBoolean, readDate, readNumber, readText, type Cell } from './values.js';

/** A row the mapping could not turn into a valid record: which row, which column and canonical field, and why. */
export interface FileRowError {
  /** CSV: the line the row starts on; XLSX: the sheet's row number; XML: the record's ordinal. */
  row: number;
  column?: string;
  /** The canonical field (`record` when the problem is the record as a whole): the import record's error shape. */
  field: string;
  message: string;
}

/** One step of a parse: up to `batchSize` canonical records and the rows rejected since the previous step. */
export interface ParsedBatch {
  batch: CanonicalBatch;
  errors: FileRowError[];
  /** Data rows read since the previous step (skipped and rejected ones included). */
  rowsRead: number;
}

export interface ParseOptions {
  /** Records per batch (default 1,000). */
  batchSize?: number;
}

const MEDIA_TYPES: Record<FileOptions['kind'], readonly string[]> = {
  csv: ['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  xml: ['application/xml', 'text/xml'],
};

/** The file kinds and the media types each is accepted under (application/octet-stream: the mapping's kind). */
export const FILE_MEDIA_TYPES = MEDIA_TYPES;

/** Checks that a file's media type fits the mapping's kind; absent or `application/octet-stream` defers to the mapping. */
export function checkContentType(contentType: string | undefined, kind: FileOptions['kind']): void {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'application/octet-stream') return;
  if (!MEDIA_TYPES[kind].includes(type) && !(kind === 'xml' && type.endsWith('+xml'))) {
    throw new FileFormatError(`the file is ${type} but the mapping reads ${kind} (send ${MEDIA_TYPES[kind][0]} or application/octet-stream)`);
  }
}

interface Compiled {
  mapping: FileMapping;
  fields: ReturnType<typeof fieldsOf>;
  /** Canonical field → its columns (several for summed numeric fields). */
  columnsOf: Map<string, Array<{ column: string; key: string; negate: boolean }>>;
  skip: Array<{ key: string; test: (cell: Cell | undefined) => boolean }>;
  /** For naming a rejected field's column. */
  columnOfField: Map<string, string>;
}

function compile(mapping: FileMapping): Compiled {
  const columnsOf = new Map<string, Array<{ column: string; key: string; negate: boolean }>>();
  for (const c of mapping.columns) {
    const list = columnsOf.get(c.field) ?? [];
    list.push({ column: c.column, key: headerKey(c.column), negate: c.negate ?? false });
    columnsOf.set(c.field, list);
  }
  const skip = mapping.skip.map((rule) => {
    const key = headerKey(rule.column);
    const text = (cell: Cell | undefined) => (cell === undefined || cell === null ? '' : (readText(cell) ?? ''));
    if (rule.empty) return { key, test: (cell: Cell | undefined) => isBlank(cell) };
    if (rule.equals !== undefined) return { key, test: (cell: Cell | undefined) => text(cell) === rule.equals };
    if (rule.notEquals !== undefined) return { key, test: (cell: Cell | undefined) => text(cell) !== rule.notEquals };
    const regex = new RegExp(rule.matches ?? '', 'i');
    return { key, test: (cell: Cell | undefined) => regex.test(text(cell)) };
  });
  const columnOfField = new Map([...columnsOf].map(([field, cols]) => [field, cols.map((c) => c.column).join(' + ')]));
  return { mapping, fields: fieldsOf(mapping.sourceType), columnsOf, skip, columnOfField };
}

/** The header check of CSV and XLSX: every mapped or filtered column must be there (a renamed column would otherwise reject every row). */
function headerCheck(c: Compiled) {
  return (headers: readonly string[]) => {
    const present = new Set(headers.map(headerKey));
    const wanted = [...c.mapping.columns.map((col) => col.column), ...c.mapping.skip.map((s) => s.column)];
    const missing = [...new Set(wanted.filter((w) => !present.has(headerKey(w))))];
    if (missing.length > 0) throw new FileFormatError(`the header has no column ${missing.map((m) => `'${m}'`).join(', ')} (it has: ${headers.join(', ')})`);
  };
}

/** The file's rows, several at a time where the reader has them so (one await per chunk, not per row). */
function rowsOf(input: FileInput, c: Compiled): AsyncIterable<SourceRow[]> {
  const file = c.mapping.file;
  switch (file.kind) {
    case 'csv':
      return readCsvBatches(input, file, headerCheck(c));
    case 'xlsx':
      return readXlsxBatches(input, file, headerCheck(c));
    case 'xml':
      return oneByOne(readXml(input, file));
  }
}

async function* oneByOne(rows: AsyncIterable<SourceRow>): AsyncGenerator<SourceRow[]> {
  for await (const row of rows) yield [row];
}

/** A record id from the chosen canonical values: readable when short, hashed when long, the same for the same values. */
export function recordIdOf(prefix: string, values: readonly unknown[]): string {
  const joined = prefix + values.map((v) => String(v ?? '')).join(':');
  if (joined.length <= 200) return joined;
  return `${prefix}${createHash('sha256').update(joined).digest('base64url')}`;
}

type Built = { record: Record<string, unknown>; errors: FileRowError[]; id?: string } | 'skipped';

function buildRecord(row: SourceRow, c: Compiled): Built {
  const { mapping, fields } = c;
  let blank = true;
  for (const cell of row.cells.values()) {
    if (!isBlank(cell)) {
      blank = false;
      break;
    }
  }
  if (blank) return 'skipped';
  for (const rule of c.skip) if (rule.test(row.cells.get(rule.key))) return 'skipped';
  const record: Record<string, unknown> = {};
  const errors: FileRowError[] = [];
  for (const [field, columns] of c.columnsOf) {
    if (fields.numbers.has(field)) {
      let sum: number | undefined;
      for (const col of columns) {
        const cell = row.cells.get(col.key);
        if (isBlank(cell)) continue;
        const n = readNumber(cell as Cell, mapping.numbers);
        if (n === undefined) {
          errors.push({ row: row.row, column: col.column, field, message: `'${String(readText(cell as Cell) ?? '')}' is not a number (decimal '${mapping.numbers.decimal}', thousands '${mapping.numbers.thousands}')` });
          sum = undefined;
          break;
        }
        sum = (sum ?? 0) + (col.negate ? -n : n);
      }
      // Rounded to the cent's precision in binary: 0.1 + 0.2 adds up to 0.3, not 0.30000000000000004.
      if (sum !== undefined) record[field] = Math.round(sum * 1e6) / 1e6;
      continue;
    }
    const col = columns[0];
    if (!col) continue;
    const cell = row.cells.get(col.key);
    if (isBlank(cell)) continue;
    if (fields.dates.has(field)) {
      const date = readDate(cell as Cell, mapping.dateFormat);
      if (date === undefined) errors.push({ row: row.row, column: col.column, field, message: `'${String(readText(cell as Cell) ?? '')}' is not a date in the format ${mapping.dateFormat}` });
      else record[field] = date;
    } else if (fields.booleans.has(field)) {
      const b = readBoolean(cell as Cell);
      if (b === undefined) errors.push({ row: row.row, column: col.column, field, message: 'not a yes/no value' });
      else record[field] = b;
    } else record[field] = readText(cell as Cell);
  }
  Object.assign(record, mapping.constants);
  const idParts = mapping.id.fields.map((f) => record[f]);
  if (errors.length > 0) return { record, errors, ...(idParts.every((p) => p !== undefined) ? { id: recordIdOf(mapping.id.prefix, idParts) } : {}) };
  const missing = mapping.id.fields.filter((f, i) => idParts[i] === undefined);
  if (missing.length > 0) {
    return { record, errors: missing.map((f) => ({ row: row.row, ...(c.columnOfField.get(f) ? { column: c.columnOfField.get(f) } : {}), field: f, message: 'empty, and the record id is made of it' })) };
  }
  return { record: { id: recordIdOf(mapping.id.prefix, idParts), ...record }, errors: [] };
}

/** The format's own validation, its issues named by row, column and field. */
function validate(row: number, record: Record<string, unknown>, c: Compiled): { record?: Record<string, unknown>; errors: FileRowError[] } {
  const parsed = FORMATS[c.mapping.sourceType].record.safeParse(record);
  if (parsed.success) return { record: parsed.data as Record<string, unknown>, errors: [] };
  return {
    errors: parsed.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? String(issue.path[0]) : 'record';
      const column = c.columnOfField.get(field);
      return { row, ...(column ? { column } : {}), field, message: field !== 'record' && !(field in record) ? 'required: map a column or set a constant' : issue.message };
    }),
  };
}

/**
 * Parses a file with a mapping into canonical batches of the mapping's source type, streaming: rows
 * are read, mapped and validated as the bytes arrive, and handed on `batchSize` records at a time,
 * so a 50 MB night-audit export is never held as rows. A row that cannot become a valid record is
 * reported (row, column, field, message) in the batch that follows it and the parse goes on; what
 * makes the whole file unreadable (encoding, malformed CSV or XML, a mapped column missing from the
 * header, a media type that is not the mapping's kind) throws `FileFormatError`.
 *
 * With `combine: 'sum'`, rows of one record id (one per room type, say) are added up and the records
 * come at the end of the file: memory then grows with the number of distinct ids, not of rows.
 *
 * @example
 * for await (const { batch, errors } of parseFile(bytes, 'text/csv', mapping)) { ... }
 */
export async function* parseFile(input: FileInput, contentType: string | undefined, mapping: FileMapping, options: ParseOptions = {}): AsyncGenerator<ParsedBatch> {
  checkContentType(contentType, mapping.file.kind);
  const c = compile(mapping);
  const size = Math.max(1, options.batchSize ?? 1000);
  let records: Array<Record<string, unknown>> = [];
  let errors: FileRowError[] = [];
  let rowsRead = 0;
  const combined = mapping.combine === 'sum' ? new Map<string, { row: number; record: Record<string, unknown> }>() : undefined;
  // Ids with a rejected row: their sum would be short by that row, so they are not imported at all.
  const incomplete = new Map<string, number>();
  const step = (): ParsedBatch => {
    const out = { batch: { sourceType: mapping.sourceType, records }, errors, rowsRead };
    records = [];
    errors = [];
    rowsRead = 0;
    return out;
  };
  for await (const rows of rowsOf(input, c)) {
    for (const row of rows) {
      rowsRead++;
      const built = buildRecord(row, c);
      if (built === 'skipped') continue;
      if (built.errors.length > 0) {
        errors.push(...built.errors);
        if (combined && built.id !== undefined && !incomplete.has(built.id)) incomplete.set(built.id, row.row);
      } else if (combined) {
        const id = built.record.id as string;
        const seen = combined.get(id);
        if (!seen) combined.set(id, { row: row.row, record: built.record });
        else for (const f of c.fields.numbers) if (typeof built.record[f] === 'number') seen.record[f] = Math.round(((seen.record[f] as number | undefined ?? 0) + (built.record[f] as number)) * 1e6) / 1e6;
      } else {
        const checked = validate(row.row, built.record, c);
        if (checked.record) records.push(checked.record);
        errors.push(...checked.errors);
      }
      if (records.length >= size || errors.length >= size) yield step();
    }
  }
  if (combined) {
    for (const [id, { row, record }] of combined) {
      const rejected = incomplete.get(id);
      if (rejected !== undefined) {
        errors.push({ row, field: 'record', message: `record ${id} is not imported: its row ${rejected} was rejected, and the rows of one record are added up` });
        continue;
      }
      const checked = validate(row, record, c);
      if (checked.record) records.push(checked.record);
      errors.push(...checked.errors);
      if (records.length >= size) yield step();
    }
  }
  if (records.length > 0 || errors.length > 0 || rowsRead > 0) yield step();
}
