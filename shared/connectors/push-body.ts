import type { z } from 'zod';
import { badRequest, fieldErrors } from '../http/problem.js';
import type { PushRequest } from './connector.js';

/**
 * A vendor push's body read as the vendor's event: not JSON, or not the event's shape, is a 400
 * naming the fields (after authentication, so only the vendor sees it).
 */
export function pushEvent<T>(request: PushRequest, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(request.body.toString('utf8'));
  } catch {
    throw badRequest(`The body is not JSON: not ${what}.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw badRequest(`Not ${what}.`, fieldErrors('body', parsed.error));
  return parsed.data;
}
