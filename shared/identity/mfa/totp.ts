import { generate, generateSecret, generateURI, verify } from 'otplib';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** The parameters of a TOTP generator (RFC 6238). Authenticator apps use the defaults. */
export interface TotpParams {
  digits: 6 | 7 | 8;
  algorithm: TotpAlgorithm;
  /** Time step in seconds. */
  period: number;
}

/** What authenticator apps expect: 6 digits, HMAC-SHA1, 30-second steps. */
export const AUTHENTICATOR_PARAMS: TotpParams = { digits: 6, algorithm: 'sha1', period: 30 };

/** A secret as stored: base32 (what apps scan), or raw bytes (the RFC 6238 test seeds). */
export type TotpSecret = string | Uint8Array;

export type TotpCheck = { ok: true; timeStep: number } | { ok: false };

/**
 * RFC 6238 time-based one-time passwords, computed by otplib with configurable digits and hash.
 *
 * Verification accepts the current step and the one before it (a code typed just as it rolled
 * over), never a future one, and refuses any step at or before `afterTimeStep`: the caller stores
 * the step of the last accepted code, so a code can't be used twice.
 *
 * @example
 * const secret = Totp.newSecret();
 * const code = await totp.code(secret);
 * const r = await totp.check(secret, code, lastStep); // { ok: true, timeStep }
 */
export class Totp {
  constructor(readonly params: TotpParams = AUTHENTICATOR_PARAMS) {}

  /** A fresh 160-bit secret, base32-encoded (the RFC 4226 recommended length for SHA-1). */
  static newSecret(): string {
    return generateSecret({ length: 20 });
  }

  /** The `otpauth://` URI an authenticator app scans (as a QR code) to add the account. */
  uri(secret: string, issuer: string, label: string): string {
    return generateURI({ issuer, label, secret, algorithm: this.params.algorithm, digits: this.params.digits, period: this.params.period });
  }

  /** The code at `epochSeconds` (default now). */
  async code(secret: TotpSecret, epochSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
    return generate({ secret, epoch: epochSeconds, ...this.params });
  }

  /** The time-step number of a moment. */
  timeStep(epochSeconds: number): number {
    return Math.floor(epochSeconds / this.params.period);
  }

  async check(secret: TotpSecret, code: string, afterTimeStep?: number, epochSeconds = Math.floor(Date.now() / 1000)): Promise<TotpCheck> {
    if (!new RegExp(`^\\d{${this.params.digits}}$`).test(code)) return { ok: false };
    const result = await verify({
      secret,
      token: code,
      epoch: epochSeconds,
      epochTolerance: [this.params.period, 0],
      ...this.params,
      ...(afterTimeStep !== undefined ? { afterTimeStep } : {}),
    });
    return result.valid && 'timeStep' in result ? { ok: true, timeStep: result.timeStep } : { ok: false };
  }
}
