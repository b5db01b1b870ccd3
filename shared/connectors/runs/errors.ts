import { ProblemError } from '../../http/problem.js';
import { VendorError } from '../http/vendor-error.js';

const MAX_LENGTH = 300;

/**
 * What a failed run records and shows: the vendor error's own sanitised message (vendor, reason,
 * status, method and path; never a query string, header, credential or body), our own problem's
 * detail, and for anything else only its kind: an error thrown inside a connector's mapping may
 * quote the vendor's data.
 */
export function sanitisedError(err: unknown): string {
  let text: string;
  if (err instanceof VendorError) text = err.message;
  else if (err instanceof ProblemError) text = err.detail ?? err.title;
  else text = `${err instanceof Error ? err.name : 'Error'} while mapping the vendor's answer (details in the logs)`;
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
