import { z } from 'zod';
import type { HttpFunction } from './route.js';

/** The problem+json schema every error response uses (RFC 9457). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  correlationId: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) straight from zod, without the $schema marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** Azure Functions route template → OpenAPI path: constraints and catch-all markers removed. */
export function openApiPath(route: string): string {
  return '/api/' + route.replace(/\{\*?([A-Za-z0-9_]+)(?::[^}?]+)?\??\}/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): object[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(description ? { description } : {}) };
  });
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid request: the problem lists each bad field.',
  401: 'Missing or invalid credentials.',
  403: 'Authenticated, but not allowed.',
  412: 'If-Match named an ETag that is no longer current: nothing was changed. Read the resource again.',
  500: 'Unexpected error (opaque; quote the correlation id).',
};

/** The header every route declaring `ifMatch` honours. */
const ifMatchParameter = {
  name: 'If-Match',
  in: 'header',
  required: false,
  description: 'The ETag the client last read (or `*`): the change happens only if the resource still has it, else 412.',
  schema: { type: 'string' },
};

const problemRef = { $ref: '#/components/schemas/Problem' };

/**
 * Builds the OpenAPI 3.1 document from the same zod schemas the route pipeline validates with,
 * so the description can't drift from the behaviour. Request schemas are described as the client
 * sends them (zod "input"), responses as we send them ("output").
 */
export function buildOpenApiDocument(functions: readonly HttpFunction[], info: { version: string; serverUrl: string }): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const fn of functions) {
    const { spec } = fn;
    const responses: Record<string, object> = {};
    for (const [status, doc] of Object.entries(spec.responses)) {
      const type = doc.contentType ?? 'application/json';
      responses[status] = doc.schema
        ? { description: doc.description, content: { [type]: { schema: jsonSchema(doc.schema, 'output') } } }
        : doc.contentType
          ? { description: doc.description, content: { [type]: { schema: { type: 'string' } } } }
          : { description: doc.description };
    }
    const errorStatuses = [400, 500, ...(fn.access.kind === 'public' ? [] : [401, 403]), ...(spec.ifMatch ? [412] : [])];
    for (const status of errorStatuses) {
      responses[status] ??= { description: STANDARD_ERRORS[status] ?? 'Error', content: { 'application/problem+json': { schema: problemRef } } };
    }
    const permission = fn.access.kind === 'permission' ? fn.access.permission : undefined;
    const operation: Record<string, unknown> = {
      operationId: fn.name,
      summary: spec.summary,
      tags: spec.tags,
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query'), ...(spec.ifMatch ? [ifMatchParameter] : [])],
      responses,
      security: fn.access.kind === 'public' ? [] : [{ bearer: [] }],
    };
    if (permission) operation.description = `Requires the permission \`${permission}\`.`;
    else if (fn.access.kind === 'platform') operation.description = 'Platform operators only.';
    if (spec.body) operation.requestBody = { required: !spec.bodyOptional, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } };
    else if (spec.rawBody) {
      const types = spec.rawBodyTypes ?? ['application/json'];
      operation.requestBody = { required: true, content: Object.fromEntries(types.map((t) => [t, { schema: t.endsWith('json') ? {} : { type: 'string' } }])) };
    }
    const path = openApiPath(fn.route);
    (paths[path] ??= {})[fn.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PMI Platform API',
      version: info.version,
      description: 'Revenue, labour productivity and P&L for hotel groups. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: info.serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
    paths,
  };
}
