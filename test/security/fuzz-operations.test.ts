import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { useTestHost } from '../support/host.js';
import { platformOperatorToken, seedTenant } from '../support/identity.js';

/**
 * Property-based fuzzing of every operation of the generated OpenAPI document: each path
 * parameter, query parameter and top-level string field of a JSON body gets hostile strings (lone
 * surrogates, NUL, bidi overrides, path syntax, over-long values), the other inputs plausible
 * ones, and no answer may be a 5xx. The host's own conformance check (test/support/host.ts) also
 * requires every error to be problem+json. Runs are bounded (RUNS per input) to keep it short.
 */

const RUNS = 4;

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
};
type Parameter = { name: string; in: string; schema?: JsonSchema };
type Operation = {
  operationId: string;
  description?: string;
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};
interface Target {
  operation: Operation;
  method: string;
  path: string;
  where: 'path' | 'query' | 'body';
  name: string;
}

const SPECIALS = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  'a\ud800b',
  '\udc00\ud800', // halves in the wrong order
  '\u0000',
  'x\u0000y',
  '\u202e', // right-to-left override
  '\u202egpj.exe',
  '\u200f\u2066',
  '\ufeff',
  '\ufffd',
  '\ud83d\ude00',
  '../../etc',
  '/',
  '\\',
  '?',
  '#',
  '%',
  '%00',
  '\r\n',
  ' ',
  '',
];

function hostile(longest: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...SPECIALS),
    fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...SPECIALS), fc.string({ maxLength: 6 })).map(([a, b, c]) => a + b + c),
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.integer({ min: 129, max: longest }).map((n) => 'a'.repeat(n)),
    fc.integer({ min: 65, max: Math.min(longest, 2000) }).map((n) => '\ud800'.repeat(n)),
  );
}

/**
 * Percent-encodes every code point as (generalised) UTF-8, lone surrogates included: what a client
 * that doesn't check its strings would put on the wire.
 */
function wtf8Percent(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/^[A-Za-z0-9\-._~]$/.test(ch)) {
      out += ch;
      continue;
    }
    const cp = ch.codePointAt(0) as number;
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += bytes.map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
  }
  return out;
}

/** A plausible value for an input that is not the one being fuzzed. */
function sample(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'probe';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return sample(alternatives[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(schema.properties?.[k])]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'email') return 'probe@example.test';
      if (schema.format === 'uuid') return '6f1c2b1e-5d3a-4c2b-9a7e-2f4d8c1b0a9e';
      if (schema.format === 'date') return '2025-01-31';
      if (schema.format === 'date-time') return '2025-01-31T00:00:00Z';
      return 'probe'.padEnd(schema.minLength ?? 0, 'x');
  }
}

function targetsOf(doc: { paths: Record<string, Record<string, Operation>> }): Target[] {
  const targets: Target[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(ops)) {
      // Ending the caller's own sessions would only turn the rest of the run into 401s.
      if (['authLogout', 'authLogoutAll'].includes(operation.operationId)) continue;
      for (const p of operation.parameters ?? []) if (p.in === 'path' || p.in === 'query') targets.push({ operation, method, path, where: p.in, name: p.name });
      const body = operation.requestBody?.content['application/json']?.schema;
      for (const [name, prop] of Object.entries(body?.properties ?? {})) {
        const types = Array.isArray(prop.type) ? prop.type : [prop.type];
        if (types.includes('string') || (prop.anyOf ?? []).some((a) => a.type === 'string')) targets.push({ operation, method, path, where: 'body', name });
      }
    }
  }
  return targets;
}

const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '100000', PASSWORD_RESET_IP_LIMIT_PER_15_MINUTES: '10000' });
let tokens: { tenant: string; platform: string };
let targets: Target[];

beforeAll(async () => {
  const tenant = await seedTenant(host);
  tokens = { tenant: tenant.users.owner.token, platform: await platformOperatorToken(host) };
  const doc = (await host.request('GET', '/api/v1/openapi.json')).json;
  targets = targetsOf(doc);
});

async function send(target: Target, value: string): Promise<{ status: number; text: string; url: string }> {
  const { operation } = target;
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path');
  let url = target.path;
  for (const p of pathParams) url = url.replace(`{${p.name}}`, target.where === 'path' && p.name === target.name ? wtf8Percent(value) : String(sample(p.schema)));
  if (target.where === 'query') url += `?${encodeURIComponent(target.name)}=${wtf8Percent(value)}`;
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  let body: Record<string, unknown> | undefined = bodySchema ? ((sample(bodySchema) as Record<string, unknown>) ?? {}) : undefined;
  if (target.where === 'body') body = { ...(body ?? {}), [target.name]: value };
  const token = operation.security?.length === 0 ? undefined : operation.description === 'Platform operators only.' ? tokens.platform : tokens.tenant;
  const res = await host.request(target.method.toUpperCase(), url, { ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) });
  return { status: res.status, text: res.text, url };
}

describe('fuzzing every operation of the OpenAPI document', () => {
  it('covers the ids, slugs and parameters of every operation', () => {
    const operations = new Set(targets.map((t) => t.operation.operationId));
    expect(operations.size).toBeGreaterThan(60);
    for (const must of ['authLogin', 'authPasswordForgot', 'rolesDelete', 'usersGet', 'usersList']) expect(operations).toContain(must);
    expect(targets.some((t) => t.operation.operationId === 'authLogin' && t.where === 'body' && t.name === 'tenant')).toBe(true);
  });

  it('answers no hostile id, slug, path or query value with a 5xx', async () => {
    const failures: string[] = [];
    for (const target of targets) {
      const longest = target.where === 'body' ? 70_000 : 4_000;
      await fc.assert(
        fc.asyncProperty(hostile(longest), async (value) => {
          const res = await send(target, value);
          if (res.status >= 500) failures.push(`${target.method.toUpperCase()} ${target.path} ${target.where}.${target.name}=${JSON.stringify(value.slice(0, 40))} → ${res.status} ${res.text.slice(0, 200)}`);
          return res.status < 500;
        }),
        // The named hostile values always run, then RUNS random ones.
        { numRuns: RUNS, endOnFailure: true, examples: [['\ud800'], ['x\u0000y'], ['\u202egpj.exe'], ['a'.repeat(longest)]] },
      ).catch(() => undefined);
    }
    expect(failures).toEqual([]);
  }, 180_000);

  it('login and password-forgot keep their uniform answers for a tenant that is not a slug', async () => {
    for (const tenant of ['\ud800', 'a\u0000b', '\u202edemo', 'a/b', 'x'.repeat(64)]) {
      const login = await host.request('POST', '/api/v1/auth/login', { body: { tenant, email: 'probe@example.test', password: 'irrelevant' } });
      expect(login.status).toBe(401);
      const forgot = await host.request('POST', '/api/v1/auth/password/forgot', { body: { tenant, email: 'probe@example.test' } });
      expect(forgot.status).toBe(202);
    }
  });
});
