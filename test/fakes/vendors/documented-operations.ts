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
