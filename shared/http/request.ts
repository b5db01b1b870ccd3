import type { HttpRequest } from '@azure/functions';
import { z } from 'zod';
import { badRequest, fieldErrors, payloadTooLarge, unsupportedMediaType, type FieldError } from './problem.js';

type Where = 'body' | 'query' | 'path';

/**
 * Client-facing wording for zod's generic messages: "received undefined" means the field is missing,
 * "received NaN" that a number was expected and something else came.
 */
const messages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'required';
  if (issue.expected === 'number' && typeof issue.input === 'number' && Number.isNaN(issue.input)) return 'must be a number';
  return undefined;
};

/** Validates one part of a request; failures are a 400 that names each bad field. */
function validate<T>(schema: z.ZodType<T>, value: unknown, where: Where, detail: string): T {
  const parsed = schema.safeParse(value, { error: messages });
  if (!parsed.success) throw badRequest(detail, fieldErrors(where, parsed.error));
  return parsed.data;
}

export function readParams<P>(req: HttpRequest, schema: z.ZodType<P> | undefined): P | Record<string, never> {
  if (!schema) return {};
  return validate(schema, { ...req.params }, 'path', 'Invalid path parameters.');
}

/** The query parameters a schema takes as lists (JSON Schema type array); the others may appear once. */
const listParams = new WeakMap<z.ZodType, Set<string>>();

function acceptsList(schema: z.ZodType, key: string): boolean {
  let lists = listParams.get(schema);
  if (!lists) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> };
    const isList = (p: Record<string, unknown>): boolean =>
      p.type === 'array' || (Array.isArray(p.type) && p.type.includes('array')) || ['anyOf', 'oneOf'].some((k) => Array.isArray(p[k]) && (p[k] as Record<string, unknown>[]).some(isList));
    lists = new Set(Object.entries(json.properties ?? {}).filter(([, p]) => isList(p)).map(([k]) => k));
    listParams.set(schema, lists);
  }
  return lists.has(key);
}

export function readQuery<Q>(req: HttpRequest, schema: z.ZodType<Q> | undefined): Q | Record<string, never> {
  const raw: Record<string, string | string[]> = {};
  for (const [key, value] of req.query.entries()) {
    const prev = raw[key];
    raw[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (!schema) {
    const keys = Object.keys(raw);
    if (keys.length > 0) throw badRequest('This endpoint takes no query parameters.', keys.map((k) => ({ field: `query.${k}`, message: 'unknown parameter' })));
    return {};
  }
  // A repeated parameter would otherwise reach its schema as a list and fail as "expected number".
  const repeated: FieldError[] = Object.entries(raw)
    .filter(([key, value]) => Array.isArray(value) && !acceptsList(schema, key))
    .map(([key, value]) => ({ field: `query.${key}`, message: `given ${value.length} times; send it once` }));
  if (repeated.length > 0) throw badRequest('Invalid query parameters.', repeated);
  return validate(schema, raw, 'query', 'Invalid query parameters.');
}

async function readLimited(req: HttpRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw payloadTooLarge(limit);
  const buf = Buffer.from(await req.arrayBuffer());
  if (buf.length > limit) throw payloadTooLarge(limit);
  return buf;
}

/**
 * Reads the body within the size limit, then (for JSON routes) parses and validates it.
 * Routes without a body schema refuse a non-empty body, so nothing is silently ignored; routes
 * with `bodyOptional` take an empty body as `undefined`.
 */
export async function readBody(
  req: HttpRequest,
  spec: { body?: z.ZodType<unknown>; bodyOptional?: boolean; rawBody?: boolean; bodyLimitBytes?: number },
  defaultLimit: number,
): Promise<{ body: unknown; raw: Buffer }> {
  const limit = spec.bodyLimitBytes ?? defaultLimit;
  const raw = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readLimited(req, limit);
  if (spec.rawBody) return { body: undefined, raw };
  if (!spec.body) {
    if (raw.length > 0) throw badRequest('This endpoint takes no request body.', [{ field: 'body', message: 'must be empty' }]);
    return { body: undefined, raw };
  }
  if (raw.length === 0 && spec.bodyOptional) return { body: undefined, raw };
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (raw.length > 0 && !/^application\/([a-z.+-]*\+)?json\b/.test(type)) throw unsupportedMediaType('application/json');
  let json: unknown;
  try {
    json = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', [{ field: 'body', message: 'malformed JSON' }]);
  }
  if (json === undefined) throw badRequest('A JSON request body is required.', [{ field: 'body', message: 'required' }]);
  return { body: validate(spec.body, json, 'body', 'The request body is invalid.'), raw };
}
