import { afterAll, beforeAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalHost } from '../../host/host.js';
import type { HttpFunction } from '../../shared/http/route.js';
import { problemSchema } from '../../shared/http/openapi.js';
import { byPrecedence, compileRoute, splitPath } from '../../shared/platform/local/route-template.js';
import type { FunctionDefinition } from '../../functions/triggers.js';

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

interface RequestOptions {
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  token?: string;
}

export interface TestHost extends LocalHost {
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
}

/**
 * The test file's host: started before the file's first test (before the file's own `beforeAll`
 * hooks, which are registered after this call) and stopped after its last. The handle reads
 * through to the started host, so hooks and tests use it as a TestHost; touching it outside them
 * throws.
 *
 * @example
 * const host = useTestHost({ LOGIN_IP_FAILURES_PER_MINUTE: '1000' });
 * let a: SeededTenant;
 * beforeAll(async () => {
 *   a = await seedTenant(host);
 * });
 */
export function useTestHost(env: Record<string, string> = {}, extraDefinitions: readonly FunctionDefinition[] = []): TestHost {
  let started: TestHost | undefined;
  beforeAll(async () => {
    started = await startTestHost(env, extraDefinitions);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestHost => {
    if (!started) throw new Error('the test host is used outside a hook or test of its file');
    return started;
  };
  return new Proxy({} as TestHost, {
    get(_, key) {
      const host = current();
      const value: unknown = Reflect.get(host, key, host);
      return typeof value === 'function' ? value.bind(host) : value;
    },
    set(_, key, value) {
      return Reflect.set(current(), key, value);
    },
  });
}

/**
 * Starts the real local host on a free port with the embedded Cosmos server and in-process broker,
 * exactly as `npm start` does (one per test file: jest gives each file its own module registry).
 * The host's settings go into process.env, where the app reads them, until it stops: then the
 * variables are as they were, and a second host of the same file starts from the same place.
 */
export async function startTestHost(env: Record<string, string> = {}, extraDefinitions: readonly FunctionDefinition[] = []): Promise<TestHost> {
  const settings: Record<string, string> = {
    LOG_LEVEL: 'error',
    LOCAL_KEK: randomBytes(32).toString('base64'),
    LOCAL_TIMERS: 'false',
    // Keys, mail and SMS outboxes of each test host stay out of the working tree.
    LOCAL_STATE_DIR: mkdtempSync(join(tmpdir(), 'pmi-test-')),
    // Each test file starts from an empty store, and snapshots would only slow it down; a test of
    // persistence turns it on (and passes its own LOCAL_STATE_DIR).
    LOCAL_PERSIST: 'false',
    BUS_RETRY_DELAY_MS: '5',
    PASSWORD_BCRYPT_COST: '4',
    // Tests of other areas log owners and admins in with a password alone; MFA tests turn this back on.
    MFA_REQUIRE_BY_DEFAULT: 'false',
    // broker.idle() waits for scheduled messages as well: prompt audit checkpoints (a scheduled message per
    // tenant) would hold every test that waits for the bus for the whole delay. Audit tests turn them on.
    AUDIT_CHECKPOINT_DELAY_SECONDS: '0',
    ...env,
  };
  const previous = new Map(Object.keys(settings).map((name) => [name, process.env[name]]));
  const restoreEnv = () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  Object.assign(process.env, settings);
  let definitions: FunctionDefinition[];
  let host: LocalHost;
  try {
    const { catalog } = await import('../../functions/catalog.js');
    const { startLocalHost } = await import('../../host/host.js');
    definitions = [...catalog, ...extraDefinitions];
    host = await startLocalHost({ port: 0, definitions, timers: false });
  } catch (err) {
    restoreEnv();
    throw err;
  }
  const stop = host.stop.bind(host);
  host.stop = async () => {
    try {
      await stop();
    } finally {
      restoreEnv();
    }
  };
  const documented = responseConformance(definitions);
  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${host.url}${path}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    documented(method, path, res, json);
    return { status: res.status, headers: res.headers, text, json };
  };
  return Object.assign(host, { request });
}

/**
 * Every JSON success response a test receives through `request` must match the schema its route
 * documents (the OpenAPI document is generated from the same schemas), and every error must be a
 * problem+json document naming its status: a handler that drifts fails whichever test reaches it.
 */
function responseConformance(definitions: readonly FunctionDefinition[]) {
  const routes = definitions
    .filter((d): d is HttpFunction => d.kind === 'http')
    .map((fn) => ({ fn, compiled: compileRoute(fn.route) }))
    .sort((a, b) => byPrecedence(a.compiled, b.compiled));
  return (method: string, path: string, res: Response, json: unknown): void => {
    if (method.toUpperCase() === 'HEAD') return;
    if (res.status >= 400) {
      // Every error is RFC 9457 problem+json, whatever answered it (route, pipeline or host).
      const problem = problemSchema.safeParse(json);
      if (!(res.headers.get('content-type') ?? '').startsWith('application/problem+json') || !problem.success || problem.data.status !== res.status) {
        throw new Error(`${method} ${path} answered ${res.status} without a problem+json body matching its status: ${JSON.stringify(json)}`);
      }
      return;
    }
    if (res.status < 200 || res.status >= 300 || json === undefined) return;
    if (!(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const parts = splitPath(new URL(path, 'http://x').pathname.replace(/^\/api\//, ''));
    const route = routes.find((r) => r.fn.method === method.toUpperCase() && r.compiled.matchParts(parts));
    const schema = route?.fn.spec.responses[res.status]?.schema;
    if (!route || !schema) return;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`${method} ${path} answered ${res.status} with a body its documented schema refuses: ${JSON.stringify(parsed.error.issues.slice(0, 5))}`);
    }
  };
}
