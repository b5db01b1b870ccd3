import type { ServerResponse } from 'node:http';
import { sendJson } from './documented-operations.js';

/** Vendor faults a fake server can be told to produce on its next matching request. */
export type Fault = { kind: 'status'; status: 500 | 503 } | { kind: 'rateLimit'; retryAfterSeconds: number } | { kind: 'hang' };

/**
 * Queued faults, each used once by the first request whose path matches its pattern (any path when
 * none). `answer` produces it: a status, a 429 with Retry-After, or no answer at all (the fake's
 * close() ends such a connection). `body` shapes the vendor's error body.
 */
export class FaultQueue {
  private readonly queue: Array<{ fault: Fault; pattern: RegExp | undefined }> = [];

  add(fault: Fault, pattern?: RegExp): void {
    this.queue.push({ fault, pattern });
  }

  /** True when a queued fault took this request (answered or left hanging). */
  answer(path: string, res: ServerResponse, body: (status: number, message: string) => unknown = (_s, message) => ({ message })): boolean {
    const i = this.queue.findIndex((f) => !f.pattern || f.pattern.test(path));
    if (i < 0) return false;
    const { fault } = this.queue.splice(i, 1)[0]!;
    if (fault.kind === 'rateLimit') sendJson(res, 429, body(429, 'Too Many Requests'), { 'retry-after': String(fault.retryAfterSeconds) });
    else if (fault.kind === 'status') sendJson(res, fault.status, body(fault.status, 'fault injected'));
    return true;
  }
}
