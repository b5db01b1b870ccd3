import { z } from 'zod';
import { FORMATS, sourceTypeSchema, type SourceType } from '../integrations/formats/index.js';
import { DATE_PATTERN } from './values.js';

/**
 * A file integration's column mapping: how one vendor's file (a night-audit CSV, a finance team's
 * spreadsheet, a protel XML export) becomes canonical records of one source type. Strict like every
 * input of ours: an unknown key is a typo that would otherwise be silently ignored.
 */

const header = z.string().trim().min(1).max(200);
const fieldName = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9]*$/, 'a canonical field name');

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const csvOptions = z.strictObject({
  kind: z.literal('csv'),
  delimiter: z.enum([',', ';', '\t', '|']).optional().describe('Absent: whichever of , ; tab | the header line has most of (outside quotes)'),
  encoding: z.enum(ENCODINGS).default('utf-8').describe('A byte-order mark (UTF-8, UTF-16) overrides this'),
  headerRow: z.number().int().min(1).max(100).default(1).describe('Which record holds the column names (report exports put titles above it)'),
});

const xlsxOptions = z.strictObject({
  kind: z.literal('xlsx'),
  sheet: z.string().min(1).max(31).optional().describe('Worksheet name; absent: the first worksheet'),
  headerRow: z.number().int().min(1).max(100).default(1),
});

const xmlOptions = z.strictObject({
  kind: z.literal('xml'),
  recordElement: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/, 'an XML element name')
    .describe('The element that repeats once per record; the document is read one such element at a time'),
  encoding: z.enum(ENCODINGS).optional().describe("Absent: a byte-order mark, else the XML declaration's encoding, else UTF-8"),
});

export const fileOptionsSchema = z.discriminatedUnion('kind', [csvOptions, xlsxOptions, xmlOptions]);

const columnRule = z.strictObject({
  column: header.describe('CSV/XLSX: the column header (compared trimmed, case-insensitively). XML: a child element `name`, a nested `parent.child`, an attribute `@name` of the record element, or `/@name` of the root element'),
  field: fieldName.describe("The canonical field of the source type's record"),
  negate: z.boolean().optional().describe('Subtract this column: several columns mapped to one numeric field are added'),
});

const skipRule = z
  .strictObject({
    column: header,
    equals: z.string().max(200).optional().describe('Skip the row when the cell (trimmed) is exactly this'),
    notEquals: z.string().max(200).optional().describe('Skip the row unless the cell (trimmed) is exactly this'),
    matches: z
      .string()
      .min(1)
      .max(200)
      .refine((s) => {
        try {
          new RegExp(s, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'a regular expression')
      .optional()
      .describe('Skip the row when the cell matches this regular expression (case-insensitive), e.g. ^total'),
    empty: z.literal(true).optional().describe('Skip the row when the cell is empty'),
  })
  .refine((r) => [r.equals, r.notEquals, r.matches, r.empty].filter((v) => v !== undefined).length === 1, { message: 'exactly one of equals, notEquals, matches or empty' });

const numberFormat = z.strictObject({
  decimal: z.enum(['.', ',']).default('.'),
  thousands: z.enum(['', ',', '.', ' ', "'"]).default('').describe("'' when the file has no thousands separator"),
  currency: z.array(z.string().min(1).max(8)).max(20).default([]).describe('Symbols or codes dropped before reading a number, e.g. € or EUR'),
});

const constant = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);

export const fileMappingSchema = z
  .strictObject({
    sourceType: sourceTypeSchema.describe('The canonical format the records are of'),
    file: fileOptionsSchema,
    columns: z.array(columnRule).min(1).max(100),
    constants: z.record(fieldName, constant).default({}).describe("Fields every record gets, e.g. a department code or the PMS record's kind"),
    dateFormat: z.string().min(1).max(20).regex(DATE_PATTERN, 'a date pattern of yyyy, yy, MM, M, dd, d and - . / or space').default('yyyy-MM-dd'),
    numbers: numberFormat.prefault({}),
    skip: z.array(skipRule).max(20).default([]).describe('Rows to leave out (totals, subtotals); blank rows are always left out'),
    id: z
      .strictObject({
        prefix: z.string().max(40).default('').describe('Keeps ids of different mappings on one integration apart'),
        fields: z.array(fieldName).min(1).max(8).describe('The canonical fields (after conversion) the record id is made of, so a re-sent file replaces the same records'),
      })
      .describe('How the record id is derived'),
    combine: z.enum(['none', 'sum']).default('none').describe('sum: rows with the same record id (e.g. one per room type) are added into one record, numeric fields summed'),
  })
  .superRefine((m, ctx) => {
    const fields = fieldsOf(m.sourceType);
    const check = (name: string, path: PropertyKey[]) => {
      if (name === 'id') ctx.addIssue({ code: 'custom', path, message: 'the record id is derived by `id`, not mapped' });
      else if (!fields.all.has(name)) ctx.addIssue({ code: 'custom', path, message: `not a field of ${m.sourceType} records (${[...fields.all].filter((f) => f !== 'id' && f !== 'deleted').join(', ')})` });
    };
    m.columns.forEach((c, i) => {
      check(c.field, ['columns', i, 'field']);
      if (c.negate && !fields.numbers.has(c.field)) ctx.addIssue({ code: 'custom', path: ['columns', i, 'negate'], message: 'only numeric fields can be subtracted' });
    });
    for (const key of Object.keys(m.constants)) check(key, ['constants', key]);
    const given = new Set([...m.columns.map((c) => c.field), ...Object.keys(m.constants)]);
    m.id.fields.forEach((f, i) => {
      if (!given.has(f)) ctx.addIssue({ code: 'custom', path: ['id', 'fields', i], message: 'must be a mapped column or a constant' });
    });
    for (const [i, c] of m.columns.entries()) {
      if (!fields.numbers.has(c.field) && m.columns.some((o, j) => j < i && o.field === c.field)) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'field'], message: 'a non-numeric field can come from one column only' });
      }
    }
    if (m.file.kind !== 'xml' && m.columns.some((c) => c.column.startsWith('/@'))) {
      ctx.addIssue({ code: 'custom', path: ['columns'], message: 'root attributes (/@name) exist in XML files only' });
    }
  });

export type FileMappingInput = z.input<typeof fileMappingSchema>;
export type FileMapping = z.output<typeof fileMappingSchema>;
export type FileOptions = FileMapping['file'];

export interface FieldKinds {
  all: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
  dates: ReadonlySet<string>;
  booleans: ReadonlySet<string>;
}

const kinds = new Map<SourceType, FieldKinds>();

/** What each field of a source type's record is, from the format's own schema and CSV types. */
export function fieldsOf(type: SourceType): FieldKinds {
  let hit = kinds.get(type);
  if (hit) return hit;
  const format = FORMATS[type];
  const json = z.toJSONSchema(format.record, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { format?: string }> };
  const properties = json.properties ?? {};
  hit = {
    all: new Set(Object.keys(properties)),
    numbers: new Set(format.csv.numbers),
    dates: new Set(Object.entries(properties).filter(([, p]) => p.format === 'date').map(([k]) => k)),
    booleans: new Set(format.csv.booleans ?? []),
  };
  kinds.set(type, hit);
  return hit;
}
