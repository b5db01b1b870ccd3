import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { ProblemError, payloadTooLarge, problemBody } from '../shared/http/problem.js';
import { SECURITY_HEADERS } from '../shared/http/headers.js';

/**
 * Connection-level limits of the local host, the ones Kestrel (the Functions host's server) applies
 * by default: an 8 KB request target and 32 KB of request headers. Above them the answer is still
 * problem+json, like every other error of the API.
 */
export const MAX_URL_LENGTH = 8 * 1024;
export const MAX_HEADER_BYTES = 32 * 1024;

/** How long a refused connection may keep sending before it is cut (its data is read and dropped meanwhile). */
const DRAIN_MS = 2000;

export const uriTooLong = () =>
  new ProblemError({ status: 414, title: 'URI too long', detail: `The request target exceeds ${MAX_URL_LENGTH} bytes.` });
const headersTooLarge = () =>
  new ProblemError({ status: 431, title: 'Request header fields too large', detail: `The request line and headers exceed ${MAX_HEADER_BYTES} bytes.` });
const requestTimeout = () =>
  new ProblemError({ status: 408, title: 'Request timeout', detail: 'The request headers or body did not arrive in time.' });
const malformedRequest = () => new ProblemError({ status: 400, title: 'Invalid request', detail: 'The request is not valid HTTP/1.1.' });

function headersOf(extra: Record<string, string>): Record<string, string> {
  return { ...SECURITY_HEADERS, 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', 'x-correlation-id': randomUUID(), ...extra };
}

/** Answers a host-level failure on a parsed request (the route pipeline never saw it). */
export function sendProblem(res: ServerResponse, problem: ProblemError, instance: string, extra: Record<string, string> = {}): void {
  const headers = headersOf({ ...problem.headers, ...extra });
  const body = JSON.stringify(problemBody(problem, instance, headers['x-correlation-id'] as string));
  res.writeHead(problem.status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/**
 * Answers on a socket whose request could not be parsed (or timed out), then closes it without a
 * reset: the rest of what the client sends is read and dropped until it stops, so it gets the answer
 * instead of ECONNRESET.
 */
function answerOnSocket(socket: Duplex, problem: ProblemError): void {
  const headers = headersOf({ Connection: 'close' });
  const body = JSON.stringify(problemBody(problem, '', headers['x-correlation-id'] as string));
  const head = [`HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? problem.title}`, ...Object.entries({ ...headers, 'Content-Length': String(Buffer.byteLength(body)) }).map(([k, v]) => `${k}: ${v}`)];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  drainThenClose(socket);
}

function drainThenClose(socket: Duplex): void {
  const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
  timer.unref();
  socket.on('data', () => undefined);
  socket.once('end', () => {
    clearTimeout(timer);
    socket.destroy();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}

/** The request line is the part of the raw bytes before the first CRLF: a long one means the URL, not the headers. */
function requestLineTooLong(raw: Buffer | undefined): boolean {
  if (!raw) return false;
  const end = raw.indexOf('\r\n');
  return end === -1 ? raw.length > MAX_URL_LENGTH : end > MAX_URL_LENGTH;
}

/**
 * node:http's `clientError` handler: what node would answer with a bare status line (431, 408, 400)
 * becomes problem+json. A socket whose response has started can only be cut.
 */
export function onClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  const started = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent ?? false;
  if (!socket.writable || started || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return answerOnSocket(socket, requestLineTooLong(err.rawPacket) ? uriTooLong() : headersTooLarge());
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return answerOnSocket(socket, requestTimeout());
    default:
      return answerOnSocket(socket, malformedRequest());
  }
}

/**
 * The body limit of the chosen route, checked against the declared Content-Length before a byte of
 * the body is read: a client announcing 2 MB to a 1 MB route is answered at once, not after it sent
 * (or failed to send) everything. Undefined when the declaration is within the limit.
 */
export function refuseDeclaredLength(req: IncomingMessage, limit: number): ProblemError | undefined {
  const declared = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(declared) && declared > limit ? payloadTooLarge(limit) : undefined;
}

/** Reads the body, up to `limit` bytes (413 above it). */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}
