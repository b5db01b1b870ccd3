import { timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { SsoError, type SsoFailure } from './errors.js';
import { GUID } from './model.js';

/** What an Entra ID token tells us once it is verified. `tid:oid` is the identity; the rest is profile. */
export interface EntraIdentity {
  tid: string;
  oid: string;
  amr: string[];
  groups: string[];
  /**
   * The token does not list the groups: the user is in more than Entra puts in a token (a
   * `_claim_names` reference instead, or `hasgroups`), so `groups` says nothing about membership.
   */
  groupsOverage: boolean;
  name?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  /** Profile data only: Entra does not verify it, so it never selects an account. */
  email?: string | undefined;
}

export interface IdTokenExpectations {
  /** The issuer built from the customer's configured tenant: `https://login.microsoftonline.com/{tid}/v2.0`. */
  issuer: string;
  /** The customer's configured Entra tenant id. */
  entraTenantId: string;
  clientId: string;
  nonce: string;
  keys: JWTVerifyGetKey;
  clockToleranceSeconds?: number;
}

function failureOf(err: unknown): SsoFailure {
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (err instanceof errors.JWTExpired) return 'token_expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'issuer_mismatch';
    if (err.claim === 'aud') return 'audience_mismatch';
    return 'id_token_invalid';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return 'signature_invalid';
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return 'idp_unreachable';
  if (err instanceof SsoError) return err.code;
  return 'id_token_invalid';
}

/** Constant-time string equality (nonce, state). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 320 ? v : undefined);

/**
 * Validates a Microsoft Entra ID token for one customer: the signature with the authority's keys and
 * RS256 only; `iss` exactly the customer's tenant-specific issuer; `aud` the client id; `exp`/`nbf`
 * with a small clock tolerance; `nonce` equal to the one bound to the browser; and `tid` equal to
 * the configured tenant. Entra signs every tenant's tokens with the same keys, so a valid signature
 * proves nothing about the tenant: the issuer and `tid` checks are what pin it.
 *
 * @example
 * const who = await validateIdToken(idToken, { issuer, entraTenantId, clientId, nonce, keys });
 * // who.tid, who.oid → the account link
 * @throws SsoError with the reason code
 */
export async function validateIdToken(idToken: string, expect: IdTokenExpectations): Promise<EntraIdentity> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, expect.keys, {
      algorithms: ['RS256'],
      issuer: expect.issuer,
      audience: expect.clientId,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
      clockTolerance: expect.clockToleranceSeconds ?? 120,
    }));
  } catch (err) {
    throw new SsoError(failureOf(err), (err as Error).message);
  }
  if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, expect.nonce)) throw new SsoError('nonce_mismatch');
  if (typeof payload.tid !== 'string' || payload.tid !== expect.entraTenantId.toLowerCase()) throw new SsoError('tenant_mismatch');
  if (typeof payload.oid !== 'string' || !GUID.test(payload.oid)) throw new SsoError('id_token_invalid', 'oid missing or not a GUID');
  // An `aud` array with extra entries would make the token valid for someone else too.
  if (Array.isArray(payload.aud) && payload.aud.length !== 1) throw new SsoError('audience_mismatch');
  const amr = Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [];
  const groups = Array.isArray(payload.groups) ? payload.groups.filter((g): g is string => typeof g === 'string') : [];
  const claimNames = payload._claim_names;
  const groupsOverage = payload.hasgroups === true || (typeof claimNames === 'object' && claimNames !== null && 'groups' in claimNames);
  return {
    tid: payload.tid,
    oid: payload.oid,
    amr,
    groups,
    groupsOverage,
    name: str(payload.name),
    givenName: str(payload.given_name),
    familyName: str(payload.family_name),
    email: str(payload.email),
  };
}
