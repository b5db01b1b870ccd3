import type { z } from 'zod';

/** One field-level complaint, as listed in a problem's `errors` member. */
export interface FieldError {
  /** Where the bad value sits: `body.email`, `query.from`, `header.if-match`, `path.id`. */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail?: string;
  type?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

const TYPE_BASE = 'https://docs.pmi.example/problems/';

/**
 * An error that is meant to reach the client, as RFC 9457 problem+json.
 * Anything else thrown by a handler is logged and answered as an opaque 500.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = 'ProblemError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type ?? TYPE_BASE + slug(init.title);
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError({ status: 400, title: 'Invalid request', detail, errors });
export const unauthorized = (detail = 'Authentication is required.') =>
  new ProblemError({ status: 401, title: 'Unauthorized', detail, headers: { 'WWW-Authenticate': 'Bearer' } });
export const forbidden = (detail = 'You do not have permission for this operation.') =>
  new ProblemError({ status: 403, title: 'Forbidden', detail });
export const notFound = (what = 'resource') =>
  new ProblemError({ status: 404, title: 'Not found', detail: `The ${what} does not exist or is not visible to you.` });
export const conflict = (detail: string) => new ProblemError({ status: 409, title: 'Conflict', detail });
export const preconditionFailed = (detail = 'The resource has changed since you read it (ETag mismatch).') =>
  new ProblemError({ status: 412, title: 'Precondition failed', detail });
export const payloadTooLarge = (limit: number) =>
  new ProblemError({ status: 413, title: 'Payload too large', detail: `The request body exceeds ${limit} bytes.` });
export const unsupportedMediaType = (expected: string) =>
  new ProblemError({ status: 415, title: 'Unsupported media type', detail: `Expected ${expected}.` });
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ProblemError({
    status: 429,
    title: 'Too many requests',
    detail: `Try again in ${retryAfterSeconds} seconds.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
export const serviceUnavailable = (detail = 'A dependency is temporarily unavailable.', retryAfterSeconds = 5) =>
  new ProblemError({ status: 503, title: 'Service unavailable', detail, headers: { 'Retry-After': String(retryAfterSeconds) } });

/** Turns zod issues into per-field errors, prefixed with where the value came from. */
export function fieldErrors(where: 'body' | 'query' | 'path' | 'header' | 'message', error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const extra =
      issue.code === 'unrecognized_keys' ? `: ${issue.keys.map((k) => `'${k}'`).join(', ')}` : '';
    return { field: path ? `${where}.${path}` : where, message: issue.message + extra };
  });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  correlationId: string;
  errors?: FieldError[];
}

export function problemBody(err: ProblemError, instance: string, correlationId: string): ProblemBody {
  const body: ProblemBody = { type: err.type, title: err.title, status: err.status, instance, correlationId };
  if (err.detail !== undefined) body.detail = err.detail;
  if (err.errors !== undefined) body.errors = err.errors;
  return body;
}

export function internalErrorBody(instance: string, correlationId: string): ProblemBody {
  return {
    type: TYPE_BASE + 'internal-error',
    title: 'Internal server error',
    status: 500,
    detail: 'An unexpected error occurred. Quote the correlation id when you contact support.',
    instance,
    correlationId,
  };
}
