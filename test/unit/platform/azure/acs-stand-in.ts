import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface Reply {
  status: number;
  json?: unknown;
  /** Never answer (the connection stays open until the stand-in closes). */
  hang?: boolean;
}

/** A real HTTP server on loopback standing in for an Azure Communication Services endpoint. */
export interface AcsStandIn {
  endpoint: string;
  requests: RecordedRequest[];
  reply(next: Reply): void;
  close(): Promise<void>;
}

export async function startAcsStandIn(): Promise<AcsStandIn> {
  const requests: RecordedRequest[] = [];
  let next: Reply = { status: 202 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: raw ? JSON.parse(raw) : undefined });
      if (next.hang) return;
      res.writeHead(next.status, next.json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(next.json === undefined ? undefined : JSON.stringify(next.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    requests,
    reply(r) {
      next = r;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A credential that hands out a fixed token (or none) and records the scopes asked for. */
export function fakeCredential(token: string | null): TokenCredential & { scopes: Array<string | string[]> } {
  const scopes: Array<string | string[]> = [];
  return {
    scopes,
    async getToken(scope: string | string[]): Promise<AccessToken | null> {
      scopes.push(scope);
      return token === null ? null : { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
