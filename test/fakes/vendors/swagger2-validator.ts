import { readFileSync } from 'node:fs';
import Ajv04Module from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// CommonJS packages seen from native ESM (jest) and from NodeNext (tsc): the class may sit on `default`.
type Ajv04Class = typeof Ajv04Module.default;
const Ajv04: Ajv04Class = (Ajv04Module as unknown as { default?: Ajv04Class }).default ?? (Ajv04Module as unknown as Ajv04Class);
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: InstanceType<Ajv04Class>) => void;

/**
 * For every fake vendor server built on Swagger 2.0 documents (OPERA's OHIP, apaleo): give it the
 * fixture files, ask `match()` per request, `responseErrors()` per answer. What a vendor states only
 * in prose stays a check of that vendor's fake.
 *
 * Validates HTTP requests (and the fake's own responses) against Swagger 2.0 documents: path,
 * query, header, formData and body parameters as each operation declares them, with JSON Schema
 * draft 4 (Swagger 2.0's dialect) through ajv. Array parameters follow their collectionFormat
 * (csv when none is given, as Swagger 2.0 defines). What a request carries that its operation does
 * not declare — an unknown query parameter, a body — is a violation too: the vendor would ignore or
 * refuse it, either way the connector's intent is lost.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'formData' | 'body';
  required?: boolean;
  type?: string;
  collectionFormat?: string;
  schema?: Json;
  [k: string]: unknown;
}

export interface Operation {
  operationId: string;
  method: string;
  /** Path template including the basePath, e.g. /inv/v1/hotels/{hotelId}/inventoryStatistics. */
  template: string;
  /** The document's file name, for reports. */
  document: string;
  parameters: Parameter[];
  consumes: string[];
  /** The operation requires a security scheme (its own `security`, else the document's). */
  secured: boolean;
  private: { matcher: RegExp; names: string[]; params: Map<Parameter, ValidateFunction>; responses: Map<number, ValidateFunction> };
}

export interface RequestParts {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  contentType?: string;
  /** Raw body text ('' when none). */
  body: string;
}

export interface Match {
  operation: Operation;
  pathParams: Record<string, string>;
  /** Why the request is invalid against the operation; empty when valid. */
  errors: string[];
  /** Parsed JSON body or form fields. */
  body: unknown;
}

const PARAM_KEYWORDS = ['type', 'format', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'items', 'uniqueItems', 'minItems', 'maxItems', 'multipleOf'];

function paramSchema(p: Parameter): Json {
  const schema: Json = {};
  for (const k of PARAM_KEYWORDS) if (p[k] !== undefined) schema[k] = p[k];
  return schema;
}

function coerce(value: string, type: unknown): unknown {
  if (type === 'integer' || type === 'number') return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Swagger 2.0 collectionFormat → separator of the one value; `multi` is the repeated parameter instead. */
const SEPARATORS: Record<string, string> = { csv: ',', ssv: ' ', tsv: '\t', pipes: '|' };

export interface ValidatorOptions {
  /**
   * A JSON.parse reviver applied to every document: where a vendor's documents contradict
   * themselves, the fake states its reading of them (its PROVENANCE.md lists it).
   */
  reading?: (key: string, value: unknown) => unknown;
}

export class SwaggerValidator {
  readonly operations: Operation[] = [];
  /** The parsed documents, by file name (a fake draws examples from their definitions). */
  readonly documents = new Map<string, Json>();
  private readonly ajv = new Ajv04({ allErrors: true, strict: false });

  constructor(
    files: readonly URL[],
    private readonly options: ValidatorOptions = {},
  ) {
    addFormats(this.ajv);
    // Formats Swagger 2.0 names that JSON Schema has no validator for: accepted as declared types.
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.ajv.addFormat(f, true);
    for (const file of files) this.load(file);
  }

  private load(file: URL): void {
    const doc = JSON.parse(readFileSync(file, 'utf8'), this.options.reading) as Json;
    const name = file.pathname.split('/').pop() as string;
    this.documents.set(name, doc);
    const id = `urn:swagger:${name}`;
    this.ajv.addSchema({ id, definitions: doc.definitions ?? {} });
    const rebase = (schema: unknown): Json => JSON.parse(JSON.stringify(schema).replace(/"#\/definitions\//g, `"${id}#/definitions/`)) as Json;
    const globalParams = (doc.parameters ?? {}) as Record<string, Parameter>;
    const globalResponses = (doc.responses ?? {}) as Record<string, Json>;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, raw] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const parameters = [...((item.parameters as unknown as Parameter[]) ?? []), ...((raw.parameters as Parameter[]) ?? [])].map((p) =>
          '$ref' in p ? (globalParams[String(p.$ref).replace('#/parameters/', '')] as Parameter) : p,
        );
        const template = `${String(doc.basePath ?? '')}${path}`;
        const names: string[] = [];
        const matcher = new RegExp(
          `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}|\{([^}]+)\}/g, (_m, a: string, b: string) => {
            names.push(a ?? b);
            return '([^/]+)';
          })}$`,
        );
        const params = new Map<Parameter, ValidateFunction>();
        for (const p of parameters) params.set(p, this.ajv.compile(p.in === 'body' ? rebase(p.schema) : paramSchema(p)));
        const responses = new Map<number, ValidateFunction>();
        for (const [status, r] of Object.entries((raw.responses ?? {}) as Record<string, Json>)) {
          const resolved = '$ref' in r ? globalResponses[String(r.$ref).replace('#/responses/', '')] : r;
          if (resolved?.schema) responses.set(Number(status), this.ajv.compile(rebase(resolved.schema)));
        }
        this.operations.push({
          operationId: String(raw.operationId),
          method: method.toUpperCase(),
          template,
          document: name,
          parameters,
          consumes: ((raw.consumes ?? doc.consumes ?? []) as string[]).map((c) => c.split(';')[0]!.trim().toLowerCase()),
          secured: ((raw.security ?? doc.security ?? []) as unknown[]).length > 0,
          private: { matcher, names, params, responses },
        });
      }
    }
  }

  /**
   * The operation `method path` addresses, validated; undefined when no operation matches. Where
   * templates overlap (`/units/count`, `/units/{id}`) the one with fewer path parameters is meant.
   */
  match(req: RequestParts): Match | undefined {
    let best: { operation: Operation; m: RegExpExecArray } | undefined;
    for (const operation of this.operations) {
      if (operation.method !== req.method) continue;
      const m = operation.private.matcher.exec(req.path);
      if (m && (!best || operation.private.names.length < best.operation.private.names.length)) best = { operation, m };
    }
    if (!best) return undefined;
    const { operation, m } = best;
    const pathParams: Record<string, string> = {};
    operation.private.names.forEach((n, i) => (pathParams[n] = decodeURIComponent(m[i + 1] as string)));
    return this.validate(operation, pathParams, req);
  }

  private validate(operation: Operation, pathParams: Record<string, string>, req: RequestParts): Match {
    const errors: string[] = [];
    let body: unknown = undefined;
    const media = req.contentType?.split(';')[0]?.trim().toLowerCase();
    const form = media === 'application/x-www-form-urlencoded' ? new URLSearchParams(req.body) : undefined;
    if (req.body !== '' && operation.consumes.length > 0 && (!media || !operation.consumes.includes(media))) errors.push(`content-type '${media ?? ''}' is not one of ${operation.consumes.join(', ')}`);
    const declaredQuery = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(req.query.keys())) if (!declaredQuery.has(name)) errors.push(`query parameter '${name}' is not declared by ${operation.operationId}`);
    if (req.body !== '' && !operation.parameters.some((p) => p.in === 'body' || p.in === 'formData')) errors.push(`${operation.operationId} takes no body`);
    for (const [p, validate] of operation.private.params) {
      let value: unknown;
      let present: boolean;
      if (p.in === 'path') {
        present = pathParams[p.name] !== undefined;
        value = present ? coerce(pathParams[p.name] as string, p.type) : undefined;
      } else if (p.in === 'query' || p.in === 'formData') {
        const source = p.in === 'query' ? req.query : form;
        const all = source?.getAll(p.name) ?? [];
        present = all.length > 0;
        const format = p.collectionFormat ?? 'csv';
        const separator = SEPARATORS[format] ?? ',';
        if (all.length > 1 && !(p.type === 'array' && format === 'multi')) {
          errors.push(`${p.in} parameter '${p.name}' given ${all.length} times (${p.type === 'array' ? `collectionFormat ${format}: one value, items separated by ${JSON.stringify(separator)}` : 'one value'})`);
        }
        if (p.type === 'array') {
          const parts = format === 'multi' ? all : (all[0] ?? '').split(separator);
          value = parts.map((v) => coerce(v, (p.items as Json | undefined)?.type));
        } else {
          value = all[0] === undefined ? undefined : coerce(all[0], p.type);
        }
      } else if (p.in === 'header') {
        const raw = req.headers[p.name.toLowerCase()];
        value = Array.isArray(raw) ? raw.join(', ') : raw;
        present = value !== undefined;
      } else {
        present = req.body !== '';
        if (present) {
          try {
            value = JSON.parse(req.body);
          } catch {
            errors.push('body is not JSON');
            continue;
          }
          body = value;
        }
      }
      if (!present) {
        if (p.required) errors.push(`${p.in} parameter '${p.name}' is required`);
        continue;
      }
      if (!validate(value)) for (const e of validate.errors ?? []) errors.push(`${p.in} '${p.name}'${e.instancePath} ${e.message ?? 'is invalid'}`);
    }
    if (form) body = Object.fromEntries(form.entries());
    return { operation, pathParams, errors, body };
  }

  /** Errors of a response body against the operation's documented schema for `status` (none documented: none). */
  responseErrors(operation: Operation, status: number, body: unknown): string[] {
    const validate = operation.private.responses.get(status);
    if (!validate || validate(body)) return [];
    return (validate.errors ?? []).map((e) => `response ${status}${e.instancePath} ${e.message ?? 'is invalid'}`);
  }
}
