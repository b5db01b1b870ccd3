import type { HttpRequest } from '@azure/functions';
import type { z } from 'zod';
import { badRequest, fieldErrors, payloadTooLarge, unsupportedMediaType } from './problem.js';

export function readParams<P>(req: HttpRequest, schema: z.ZodType<P> | undefined): P | Record<string, never> {
  if (!schema) return {};
  const parsed = schema.safeParse({ ...req.params });
  if (!parsed.success) throw badRequest('Invalid path parameters.', fieldErrors('path', parsed.error));
  return parsed.data;
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
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest('Invalid query parameters.', fieldErrors('query', parsed.error));
  return parsed.data;
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
 * Routes without a body schema refuse a non-empty body, so nothing is silently ignored.
 */
export async function readBody(
  req: HttpRequest,
  spec: { body?: z.ZodType<unknown>; rawBody?: boolean; bodyLimitBytes?: number },
  defaultLimit: number,
): Promise<{ body: unknown; raw: Buffer }> {
  const limit = spec.bodyLimitBytes ?? defaultLimit;
  const raw = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readLimited(req, limit);
  if (spec.rawBody) return { body: undefined, raw };
  if (!spec.body) {
    if (raw.length > 0) throw badRequest('This endpoint takes no request body.', [{ field: 'body', message: 'must be empty' }]);
    return { body: undefined, raw };
  }
  const type = (req.headers.get('content-type') ?? '').toLowerCase();
  if (raw.length > 0 && !/^application\/([a-z.+-]*\+)?json\b/.test(type)) throw unsupportedMediaType('application/json');
  let json: unknown;
  try {
    json = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.', [{ field: 'body', message: 'malformed JSON' }]);
  }
  if (json === undefined) throw badRequest('A JSON request body is required.', [{ field: 'body', message: 'required' }]);
  const parsed = spec.body.safeParse(json);
  if (!parsed.success) throw badRequest('The request body is invalid.', fieldErrors('body', parsed.error));
  return { body: parsed.data, raw };
}
