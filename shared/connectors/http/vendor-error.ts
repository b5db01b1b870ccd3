/** Why a vendor request failed, in words safe to store and show (no credential, no vendor body). */
export type VendorErrorReason =
  /** The request took longer than the client's timeout. */
  | 'timeout'
  /** No answer: connection refused, reset, DNS. */
  | 'network'
  /** 429 after every attempt. */
  | 'rate_limited'
  /** 5xx after every attempt. */
  | 'server_error'
  /** 401/403 (after one token refresh for OAuth). */
  | 'unauthorized'
  /** The token endpoint refused or answered something that is not a token. */
  | 'token_failed'
  /** Any other non-2xx answer: the request is wrong for the vendor (400, 404, 409, 422...). */
  | 'rejected'
  /** A 2xx answer that is not the JSON it says it is. */
  | 'invalid_response'
  /** Too many consecutive failures for this integration: refused without calling the vendor. */
  | 'circuit_open';

/**
 * A failed vendor request. Its message and fields are sanitised by construction: the vendor's name,
 * the method and path (never the query string, where some vendors put tokens), the HTTP status and a
 * reason; never a header, a credential or the vendor's body.
 */
export class VendorError extends Error {
  override readonly name = 'VendorError';

  constructor(
    readonly reason: VendorErrorReason,
    readonly vendor: string,
    readonly details: { status?: number; request?: string; attempts?: number; retryAfterMs?: number } = {},
  ) {
    super(`${vendor}: ${reason}${details.status !== undefined ? ` (HTTP ${details.status})` : ''}${details.request ? ` on ${details.request}` : ''}`);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** Failures that say the vendor is unwell (not that our request is wrong): they count toward the circuit. */
  get vendorFailure(): boolean {
    return this.reason !== 'rejected' && this.reason !== 'invalid_response' && this.reason !== 'circuit_open';
  }
}
