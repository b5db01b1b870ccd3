/**
 * The short, stable reasons an SSO sign-in can fail. They travel to the web client's error page
 * (`?error=<code>`) and into the `auth.sso_failed` audit event — never token contents or claims.
 */
export type SsoFailure =
  | 'sso_not_configured'
  | 'invalid_request'
  | 'state_missing'
  | 'state_mismatch'
  | 'state_expired'
  | 'idp_error'
  | 'idp_unreachable'
  | 'token_exchange_failed'
  | 'id_token_invalid'
  | 'signature_invalid'
  | 'algorithm_not_allowed'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'tenant_mismatch'
  | 'nonce_mismatch'
  | 'token_expired'
  | 'not_linked'
  | 'user_inactive'
  | 'email_in_use'
  | 'email_missing'
  | 'temporarily_unavailable';

/**
 * An SSO failure with its reason code. `detail` is for the server log only (never for the browser).
 *
 * @example
 * throw new SsoError('nonce_mismatch');
 */
export class SsoError extends Error {
  override readonly name = 'SsoError';

  constructor(
    readonly code: SsoFailure,
    detail?: string,
  ) {
    super(detail ?? code);
  }
}
