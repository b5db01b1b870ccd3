import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * The Mews Connector API's request schemas, read from Mews's own published reference
 * (test/fixtures/vendors/mews, copied from MewsSystems/open-api-docs). Mews publishes the reference
 * as Markdown generated from its OpenAPI document (the YAML itself is only served by the API), so
 * this module turns each operation's request table back into a JSON Schema: one row per property,
 * its type (scalars, `array of`, links to object tables and enum lists in the same or another
 * file), its contract (`required`/`optional`, `max N items`, `max length N characters`,
 * `max length N months` on time intervals) and the numeric bounds the description states
 * ("minimum 1, maximum 1000"). Deprecated rows (struck through) are not accepted: we must not send
 * them. Unknown properties are refused, so a misspelt filter fails the contract instead of being
 * silently ignored by the real API.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/vendors/mews');

type Schema = Record<string, unknown>;

interface Section {
  level: number;
  title: string;
  anchor: string;
  lines: string[];
}

/** GitBook's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function anchorOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/&#x27;/g, '')
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');
}

const fileCache = new Map<string, Section[]>();

function sections(file: string): Section[] {
  const cached = fileCache.get(file);
  if (cached) return cached;
  const text = readFileSync(join(FIXTURES, file), 'utf8');
  const out: Section[] = [];
  let current: Section | undefined;
  let fenced = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^(#{1,6})\s+(.*)$/.exec(line);
    if (m) {
      const title = m[2]!.replace(/~~/g, '').trim();
      current = { level: m[1]!.length, title, anchor: anchorOf(title), lines: [] };
      out.push(current);
    } else current?.lines.push(line);
  }
  fileCache.set(file, out);
  return out;
}

interface Row {
  name: string;
  type: string;
  contract: string;
  description: string;
  deprecated: boolean;
}

function firstTable(lines: string[]): Row[] {
  const start = lines.findIndex((l) => /^\|\s*Property\s*\|/.test(l));
  if (start < 0) return [];
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const deprecated = cells[0]!.includes('~~');
    const clean = (s: string | undefined) => (s ?? '').replace(/~~/g, '').trim();
    rows.push({ name: clean(cells[0]).replace(/`/g, ''), type: clean(cells[1]), contract: clean(cells[2]), description: clean(cells.slice(3).join('|')), deprecated });
  }
  return rows;
}

function enumValues(lines: string[]): string[] {
  return lines.map((l) => /^\*\s+`([^`]+)`/.exec(l)?.[1]).filter((v): v is string => v !== undefined);
}

/** Resolves a `[Name](file.md#anchor)` link relative to the file it appears in. */
function resolveLink(fromFile: string, target: string): { file: string; anchor: string } {
  const [path, anchor = ''] = target.split('#');
  const file = path ? posix.normalize(posix.join(posix.dirname(fromFile), path)) : fromFile;
  return { file, anchor };
}

function objectSchema(file: string, anchor: string, seen: Set<string>): Schema {
  const key = `${file}#${anchor}`;
  const section = sections(file).find((s) => s.anchor === anchor);
  if (!section) throw new Error(`Mews spec: no section #${anchor} in ${file}`);
  const values = enumValues(section.lines);
  const rows = firstTable(section.lines);
  if (rows.length === 0 && values.length > 0) return { type: 'string', enum: values };
  if (rows.length === 0) return {};
  if (seen.has(key)) return { type: 'object' };
  return tableSchema(file, rows, new Set([...seen, key]));
}

function typeSchema(file: string, type: string, seen: Set<string>): Schema {
  const array = /^array of (.*)$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(file, array[1]!, seen) };
  const link = /\[[^\]]*\]\(([^)]+)\)/.exec(type);
  if (link) {
    const { file: target, anchor } = resolveLink(file, link[1]!);
    return objectSchema(target, anchor, seen);
  }
  switch (type.replace(/^string\s+/, '')) {
    case 'string':
      return { type: 'string' };
    case 'boolean':
    case 'bool':
      return { type: 'boolean' };
    case 'integer':
      return { type: 'integer' };
    case 'number':
    case 'decimal':
      return { type: 'number' };
    case 'object':
      return { type: 'object' };
    default:
      return {};
  }
}

function tableSchema(file: string, rows: Row[], seen: Set<string>): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const row of rows) {
    if (row.deprecated) continue;
    let schema = typeSchema(file, row.type, seen);
    const maxItems = /max (\d+) items/.exec(row.contract);
    if (maxItems && schema.type === 'array') schema = { ...schema, maxItems: Number(maxItems[1]) };
    const maxChars = /max length (\d+) characters/.exec(row.contract);
    if (maxChars && schema.type === 'string') schema = { ...schema, maxLength: Number(maxChars[1]) };
    const months = /max length (\d+) months?/.exec(row.contract);
    if (months) schema = { ...schema, maxIntervalMonths: Number(months[1]) };
    const bounds = /minimum (\d+), maximum (\d+)/.exec(row.description);
    if (bounds && (schema.type === 'number' || schema.type === 'integer')) schema = { ...schema, minimum: Number(bounds[1]), maximum: Number(bounds[2]) };
    // Mews identifiers are GUIDs; a time is ISO 8601 (the tables say so in words).
    if (schema.type === 'string' && !schema.enum && /Id$/.test(row.name) && /identifier/i.test(row.description)) schema = { ...schema, format: 'uuid' };
    if (schema.type === 'array' && /Ids$/.test(row.name) && (schema.items as Schema).type === 'string') schema = { ...schema, items: { type: 'string', format: 'uuid' } };
    if (schema.type === 'string' && /Utc$/.test(row.name) && /ISO 8601/.test(row.description)) schema = { ...schema, format: 'date-time' };
    if (/\brequired\b/.test(row.contract)) {
      required.push(row.name);
      properties[row.name] = schema;
    } else {
      // Optional means "may be omitted or null" in the Connector API.
      properties[row.name] = { anyOf: [schema, { type: 'null' }] };
    }
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

export interface Operation {
  /** Path after the platform address, e.g. `/api/connector/v1/reservations/getAll/2023-06-06`. */
  path: string;
  title: string;
  /** Which fixture file and section it came from, for messages. */
  source: string;
  /** Built on first use: an operation may link to files we did not keep. */
  readonly requestSchema: Schema;
  /** The request example the reference shows. */
  requestExample: unknown;
  /** The response example the reference shows. */
  responseExample: unknown;
}

/** The JavaScript-ish examples of the reference (trailing commas, empty bodies) read as JSON. */
function example(lines: string[], after: string): unknown {
  const start = lines.findIndex((l) => l.trim() === after);
  if (start < 0) return undefined;
  const open = lines.findIndex((l, i) => i > start && l.startsWith('```'));
  const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
  const text = lines
    .slice(open + 1, close)
    .join('\n')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The common body every request may carry (guidelines/requests.md). */
function commonBody(): Record<string, Schema> {
  const rows = firstTable(sections('guidelines/requests.md').find((s) => s.anchor === 'body')!.lines);
  return (tableSchema('guidelines/requests.md', rows, new Set()).properties as Record<string, Schema>) ?? {};
}

/** Every operation documented in `file` (e.g. `operations/reservations.md`), deprecated ones excluded. */
export function operationsOf(file: string): Operation[] {
  const all = sections(file);
  const ops: Operation[] = [];
  all.forEach((section, i) => {
    if (section.level !== 2) return;
    const body: string[] = [];
    for (const s of all.slice(i + 1)) {
      if (s.level <= 2) break;
      body.push(`${'#'.repeat(s.level)} ${s.title}`, ...s.lines);
    }
    const endpoint = body.map((l) => /^`\[PlatformAddress\](\/api\/connector\/v1\/[^`]+)`$/.exec(l.trim())?.[1]).find(Boolean);
    if (!endpoint || body.some((l) => l.includes('This operation is [deprecated]'))) return;
    const requestLines = body.slice(body.indexOf('### Request'), body.indexOf('### Response'));
    let schema: Schema | undefined;
    ops.push({
      path: endpoint,
      title: section.title,
      source: `${file}#${section.anchor}`,
      get requestSchema() {
        if (!schema) {
          schema = tableSchema(file, firstTable(requestLines), new Set());
          schema.properties = { ...commonBody(), ...(schema.properties as Record<string, Schema>) };
        }
        return schema;
      },
      requestExample: example(body, '### Request'),
      responseExample: example(body, '### Response'),
    });
  });
  return ops;
}

/** An interval no longer than `months` calendar months, Start not after End (the reference's "max length N months"). */
export function intervalWithin(value: unknown, months: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  const { StartUtc, EndUtc } = value as { StartUtc?: unknown; EndUtc?: unknown };
  if (typeof StartUtc !== 'string' || typeof EndUtc !== 'string') return true;
  const start = new Date(StartUtc);
  const end = new Date(EndUtc);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end < start) return false;
  const limit = new Date(start);
  limit.setUTCMonth(limit.getUTCMonth() + months);
  return end <= limit;
}

export interface Violation {
  path: string;
  instancePath: string;
  message: string;
}

/** Compiles the request schemas of the operations in `files` and validates request bodies against them. */
export class MewsSpec {
  readonly operations = new Map<string, Operation>();
  private readonly validators = new Map<string, ValidateFunction>();

  /** `operations`: the paths to compile (the connector's), from the reference files `files`. */
  constructor(files: readonly string[], operations: readonly string[]) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    // ajv-formats is CommonJS: its default export arrives wrapped under ESM.
    const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    ajv.addKeyword({
      keyword: 'maxIntervalMonths',
      schemaType: 'number',
      validate: (months: number, data: unknown) => intervalWithin(data, months),
      error: { message: (ctx) => `interval longer than ${String(ctx.schema)} months or ending before it starts` },
    });
    for (const file of files) {
      for (const op of operationsOf(file)) {
        if (!operations.includes(op.path)) continue;
        this.operations.set(op.path, op);
        this.validators.set(op.path, ajv.compile(op.requestSchema));
      }
    }
    const missing = operations.filter((p) => !this.operations.has(p));
    if (missing.length > 0) throw new Error(`Mews spec: operations not in the reference: ${missing.join(', ')}`);
  }

  /** The violations of `body` against the request schema of `path`; unknown paths are one violation. */
  validate(path: string, body: unknown): Violation[] {
    const validate = this.validators.get(path);
    if (!validate) return [{ path, instancePath: '', message: 'no such operation in the Mews reference' }];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => ({ path, instancePath: e.instancePath, message: `${e.message ?? 'invalid'}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}` }));
  }
}

/** The operations the Mews connector calls, from the fixtures kept for it. */
export const MEWS_FILES = [
  'operations/configuration.md',
  'operations/reservations.md',
  'operations/orderitems.md',
  'operations/resources.md',
  'operations/resourcecategories.md',
  'operations/resourceblocks.md',
  'operations/accountingcategories.md',
] as const;

/** The operations the Mews connector calls. */
export const MEWS_OPERATIONS = [
  '/api/connector/v1/configuration/get',
  '/api/connector/v1/reservations/getAll/2023-06-06',
  '/api/connector/v1/orderItems/getAll',
  '/api/connector/v1/resources/getAll',
  '/api/connector/v1/resourceCategories/getAll',
  '/api/connector/v1/resourceCategoryAssignments/getAll',
  '/api/connector/v1/resourceBlocks/getAll',
  '/api/connector/v1/accountingCategories/getAll',
] as const;
