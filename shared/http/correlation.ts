import { randomUUID } from 'node:crypto';

const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's x-correlation-id if it is well formed, else a new one: it flows into logs and bus messages. */
export function correlationIdFrom(header: string | null | undefined): string {
  return header && SAFE.test(header) ? header : randomUUID();
}
