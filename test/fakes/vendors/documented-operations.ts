import type { ServerResponse } from 'node:http';

/**
 * Plumbing of the fake vendor servers that check each request against the operations a vendor
 * documents (`METHOD /path/{param}` templates from the vendor's published reference).
 */

/** A request as a fake saw it, for contract assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string | undefined>;
}

/** The documented operation (`METHOD /path/{param}`) a request is, with its path parameters; undefined when none. */
export function operationOf(templates: Iterable<string>, method: string, path: string): { template: string; params: Record<string, string> } | undefined {
  for (const template of templates) {
    const [m, t] = template.split(' ') as [string, string];
    if (m !== method) continue;
    const names: string[] = [];
    const hit = new RegExp(`^${t.replace(/\{(\w+)\}/g, (_all, n: string) => (names.push(n), '([^/]+)'))}$`).exec(path);
    if (hit) return { template, params: Object.fromEntries(names.map((n, i) => [n, hit[i + 1]!])) };
  }
  return undefined;
}

/** Answers with a JSON body (none when `body` is undefined). */
export function sendJson(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/**
 * What is wrong with a request's query string against an operation's documented parameters (name →
 * type): an unknown or repeated parameter, or a value `valueErrors` refuses for its type.
 */
export function queryErrors(query: URLSearchParams, documented: Record<string, string>, valueErrors: (name: string, type: string, value: string) => string[]): string[] {
  const errors: string[] = [];
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    if (!(name in documented)) errors.push(`unknown query parameter '${name}'`);
    else if (values.length > 1) errors.push(`${name} given ${values.length} times`);
    else errors.push(...valueErrors(name, documented[name]!, values[0]!));
  }
  return errors;
}
