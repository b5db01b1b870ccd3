import type { Platform } from '../../platform/platform.js';
import { isPlatformPrincipal } from '../../access/platform-mfa.js';
import { badRequest, conflict, preconditionFailed, tooManyRequests } from '../../http/problem.js';
import { checkIfMatch } from '../../http/etag.js';
import { isStoreError } from '../../platform/cosmos/errors.js';
import type { Sealed } from '../../platform/crypto/field-cipher.js';
import { auditEvent, type EventActor, type RequestMeta } from '../../audit/emit.js';
import { isLocked } from '../lockout.js';
import type { TenantSettings, UserItem } from '../model.js';
import { resolveGrants, type RoleDefinition } from '../roles.js';
import type { SmsSender } from '../sms.js';
import type { TenantService } from '../tenants.js';
import type { UserService } from '../users.js';
import { activeMethods, mfaItemId, type MfaItem, type SecondFactorMethod } from './model.js';
import { OneTimeCodes, type PendingCode } from './one-time-code.js';
import { RecoveryCodes } from './recovery-codes.js';
import { Totp } from './totp.js';

export interface MfaStatus {
  required: boolean;
  methods: SecondFactorMethod[];
  totp: { enabled: boolean; pending: boolean };
  sms: { enabled: boolean; pending: boolean; phone: string | null };
  recoveryCodesRemaining: number;
}

/** A phone number shown back to its owner: only the last three digits. */
function maskPhone(phone: string): string {
  return phone.slice(0, 3) + '•'.repeat(Math.max(0, phone.length - 6)) + phone.slice(-3);
}

const E164 = /^\+[1-9]\d{6,14}$/;

export interface MfaOptions {
  issuer: string;
  pepper: Buffer;
  smsCodeTtlSeconds: number;
  smsMaxSends: number;
  smsSendWindowSeconds: number;
  maxAttempts: number;
  now?: () => number;
}

/**
 * A user's second factors: TOTP (authenticator apps), SMS codes to a verified phone number, and
 * recovery codes. Secrets and phone numbers are sealed under the user's data key; codes are checked
 * and consumed with one conditional write, so each is accepted at most once. Every failed check
 * counts towards the account lockout, exactly like a wrong password.
 */
export class MfaService {
  readonly totp = new Totp();
  private readonly recovery: RecoveryCodes;
  private readonly codes: OneTimeCodes;
  private readonly now: () => number;

  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
    private readonly tenants: TenantService,
    readonly sms: SmsSender,
    private readonly options: MfaOptions,
    /** Every role the tenant can assign, by id: the same resolver as the authenticator's. */
    private readonly roleDefinitions: (tenantId: string) => Promise<Map<string, RoleDefinition>>,
  ) {
    this.recovery = new RecoveryCodes(options.pepper);
    this.codes = new OneTimeCodes(options.pepper, {
      ttlSeconds: options.smsCodeTtlSeconds,
      maxAttempts: options.maxAttempts,
      maxSends: options.smsMaxSends,
      sendWindowSeconds: options.smsSendWindowSeconds,
    });
    this.now = options.now ?? Date.now;
  }

  private col(tenantId: string) {
    return this.platform.store.collection<MfaItem>('identity', tenantId);
  }

  async get(tenantId: string, userId: string): Promise<MfaItem | undefined> {
    const item = await this.col(tenantId).read<MfaItem>(mfaItemId(userId));
    return item?.type === 'mfa' ? item : undefined;
  }

  private blank(user: UserItem): MfaItem {
    return { id: mfaItemId(user.id), tenantId: user.tenantId, type: 'mfa', userId: user.id, smsSends: [], enc: {}, updatedAt: new Date(this.now()).toISOString() };
  }

  private ctx(user: UserItem, field: string) {
    return { tenantId: user.tenantId, subjectId: user.id, field: `mfa.${field}` };
  }

  private async open(user: UserItem, field: string, sealed: Sealed | undefined): Promise<string | undefined> {
    if (!sealed) return undefined;
    const opened = await this.platform.cipher.open(this.ctx(user, field), sealed);
    return opened.redacted ? undefined : opened.value;
  }

  /** Writes the item (create or conditional replace), with audit events. A lost race is a 409. */
  /**
   * Writes the enrolment (with its audit events) conditional on the version read. A lost race is a
   * 409 "try again", or a 412 when the client named the version it expected (`clientPrecondition`):
   * its ETag is then stale.
   */
  private async write(current: MfaItem | undefined, next: MfaItem, events: Awaited<ReturnType<typeof auditEvent>>[] = [], clientPrecondition = false): Promise<MfaItem> {
    const item = { ...next, updatedAt: new Date(this.now()).toISOString() };
    try {
      if (!current?._etag) return await this.platform.outbox.commit('identity', 'create', item, events);
      return await this.platform.outbox.commit('identity', 'replace', item, events, current._etag);
    } catch (err) {
      if (clientPrecondition && isStoreError(err, 'precondition_failed')) throw preconditionFailed();
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'conflict')) throw conflict('Your second-factor settings changed at the same time; try again.');
      throw err;
    }
  }

  private event(user: UserItem, actor: EventActor | undefined, action: string, meta: RequestMeta, extra: { details?: Record<string, string | number | boolean | null>; outcome?: 'success' | 'failure' } = {}) {
    return auditEvent(this.platform.cipher, {
      tenantId: user.tenantId,
      actor: actor ?? { type: 'user', id: user.id },
      action,
      target: { type: 'user', id: user.id },
      ...extra,
      ...meta,
    });
  }

  /**
   * Whether this user must use a second factor. Always for a platform account (operators and support
   * agents: decided by the account's tenant, so neither its role assignments — operators have none —
   * nor the platform tenant's settings can lift it). Otherwise by the tenant policy: a role it names,
   * or a role that grants a permission it names. Roles are resolved as for the user's requests (built-in
   * and custom, assigned or SSO-group-granted, any scope), so what a role allows decides, not its name.
   */
  async mustUseMfa(user: UserItem, settings: TenantSettings): Promise<boolean> {
    if (isPlatformPrincipal({ kind: 'user', tenantId: user.tenantId })) return true;
    const roles = new Set(settings.mfa.requiredForRoles);
    if (user.roles.some((r) => roles.has(r.roleId))) return true;
    if (settings.mfa.requiredForPermissions.length === 0 || user.roles.length === 0) return false;
    const grants = resolveGrants(user.roles, await this.roleDefinitions(user.tenantId));
    return settings.mfa.requiredForPermissions.some((p) => grants.has(p));
  }

  async methods(user: UserItem): Promise<SecondFactorMethod[]> {
    return activeMethods(await this.get(user.tenantId, user.id));
  }

  async status(user: UserItem): Promise<MfaStatus> {
    const item = await this.get(user.tenantId, user.id);
    const settings = await this.tenants.settings(user.tenantId);
    const phone = item?.sms?.confirmed ? await this.open(user, 'phone', item.enc.phone) : undefined;
    return {
      required: await this.mustUseMfa(user, settings),
      methods: activeMethods(item),
      totp: { enabled: Boolean(item?.totp?.confirmed), pending: Boolean(item?.enc.pendingTotpSecret) },
      sms: { enabled: Boolean(item?.sms?.confirmed), pending: Boolean(item?.enc.pendingPhone), phone: phone ? maskPhone(phone) : null },
      recoveryCodesRemaining: item?.recovery?.hashes.length ?? 0,
    };
  }

  /** Starts (or restarts) TOTP enrolment: a new secret, active only once a code from it is confirmed. */
  async startTotp(user: UserItem, label: string): Promise<{ secret: string; otpauthUri: string }> {
    const current = await this.get(user.tenantId, user.id);
    const secret = Totp.newSecret();
    const next: MfaItem = { ...(current ?? this.blank(user)), enc: { ...(current?.enc ?? {}), pendingTotpSecret: await this.platform.cipher.seal(this.ctx(user, 'totpSecret'), secret) } };
    await this.write(current, next);
    return { secret, otpauthUri: this.totp.uri(secret, this.options.issuer, label) };
  }

  /** Confirms TOTP enrolment with a code from the new secret; returns a fresh set of recovery codes. */
  async confirmTotp(user: UserItem, code: string, actor: EventActor | undefined, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    const current = await this.get(user.tenantId, user.id);
    const secret = await this.open(user, 'totpSecret', current?.enc.pendingTotpSecret);
    if (!current || !secret) throw conflict('Start TOTP enrolment first.');
    const check = await this.totp.check(secret, code.trim(), undefined, Math.floor(this.now() / 1000));
    if (!check.ok) {
      await this.failed(user, 'totp', 'enrolment', meta);
      throw badRequest('The code is not valid.', [{ field: 'body.code', message: 'invalid code' }]);
    }
    const { codes, stored } = this.recovery.generate(new Date(this.now()));
    const now = new Date(this.now()).toISOString();
    const enc = { ...current.enc, totpSecret: current.enc.pendingTotpSecret as Sealed };
    delete enc.pendingTotpSecret;
    const next: MfaItem = { ...current, totp: { confirmed: true, createdAt: current.totp?.createdAt ?? now, confirmedAt: now, lastTimeStep: check.timeStep }, recovery: stored, enc };
    await this.write(current, next, [await this.event(user, actor, 'auth.mfa_enrolled', meta, { details: { method: 'totp' } })]);
    return { recoveryCodes: codes };
  }

  /** Sends a verification code to a new phone number; the number becomes a factor once confirmed. */
  async startSms(user: UserItem, phone: string, meta: RequestMeta): Promise<void> {
    if (!E164.test(phone)) throw badRequest('The phone number must be in international format, e.g. +358401234567.', [{ field: 'body.phone', message: 'not an E.164 number' }]);
    const current = await this.get(user.tenantId, user.id);
    const base = current ?? this.blank(user);
    const now = this.now();
    const wait = this.codes.sendWait(base.smsSends, now);
    if (wait > 0) throw tooManyRequests(wait);
    const { code, pending } = this.codes.issue(user.id, 'verify-phone', now);
    const next: MfaItem = {
      ...base,
      pendingPhoneIndex: await this.platform.blindIndex.compute(user.tenantId, 'phone', phone),
      pendingCode: pending,
      smsSends: this.codes.recordSend(base.smsSends, now),
      enc: { ...base.enc, pendingPhone: await this.platform.cipher.seal(this.ctx(user, 'phone'), phone) },
    };
    await this.write(current, next, [await this.event(user, undefined, 'auth.sms_code_sent', meta, { details: { purpose: 'verify-phone' } })]);
    await this.sms.send({ to: phone, text: this.codeText(code) });
  }

  private codeText(code: string): string {
    return `${code} is your ${this.options.issuer} verification code. It expires in ${Math.round(this.options.smsCodeTtlSeconds / 60)} minutes. Never share it.`;
  }

  /** Confirms the pending phone number with the code sent to it; returns a fresh set of recovery codes. */
  async confirmSms(user: UserItem, code: string, actor: EventActor | undefined, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    const current = await this.get(user.tenantId, user.id);
    if (!current?.enc.pendingPhone || !current.pendingPhoneIndex) throw conflict('Start phone verification first.');
    const result = this.codes.check(current.pendingCode, user.id, 'verify-phone', code.trim(), this.now());
    if (result !== 'ok') {
      if (result === 'wrong' && current.pendingCode) await this.write(current, { ...current, pendingCode: this.codes.afterFailure(current.pendingCode) });
      await this.failed(user, 'sms', 'enrolment', meta);
      throw badRequest('The code is not valid or has expired.', [{ field: 'body.code', message: `invalid code (${result})` }]);
    }
    const { codes, stored } = this.recovery.generate(new Date(this.now()));
    const now = new Date(this.now()).toISOString();
    const enc = { ...current.enc, phone: current.enc.pendingPhone };
    delete enc.pendingPhone;
    const next: MfaItem = { ...current, sms: { confirmed: true, phoneIndex: current.pendingPhoneIndex, createdAt: current.sms?.createdAt ?? now, confirmedAt: now }, recovery: stored, enc };
    delete next.pendingPhoneIndex;
    delete next.pendingCode;
    await this.write(current, next, [await this.event(user, actor, 'auth.mfa_enrolled', meta, { details: { method: 'sms' } })]);
    return { recoveryCodes: codes };
  }

  /**
   * Removes a method. A user the tenant requires to use MFA can't remove their last method (they
   * would be sent through enrolment by whoever next knows the password); recovery codes go with it.
   */
  /**
   * Removes one method. `ifMatch` is the enrolment's ETag (GET /me/mfa shows it): checked on the
   * enrolment read here, and the removal with its audit event is written conditional on that version.
   */
  async remove(user: UserItem, method: 'totp' | 'sms', ifMatch: string | undefined, actor: EventActor | undefined, meta: RequestMeta): Promise<void> {
    const current = await this.get(user.tenantId, user.id);
    checkIfMatch(ifMatch, current ?? {});
    const methods = activeMethods(current).filter((m) => m !== 'recovery');
    const pending = method === 'totp' ? Boolean(current?.enc.pendingTotpSecret) : Boolean(current?.enc.pendingPhone);
    if (!current || (!methods.includes(method) && !pending)) throw conflict(`No ${method === 'totp' ? 'authenticator app' : 'phone number'} is enrolled.`);
    const remaining = methods.filter((m) => m !== method);
    if (methods.includes(method) && remaining.length === 0 && (await this.mustUseMfa(user, await this.tenants.settings(user.tenantId)))) {
      throw conflict('Your account requires two-factor authentication: enrol another method before removing this one.');
    }
    const enc = { ...current.enc };
    const next: MfaItem = { ...current, enc };
    if (method === 'totp') {
      delete next.totp;
      delete enc.totpSecret;
      delete enc.pendingTotpSecret;
    } else {
      delete next.sms;
      delete next.pendingPhoneIndex;
      delete next.pendingCode;
      delete enc.phone;
      delete enc.pendingPhone;
    }
    if (remaining.length === 0) delete next.recovery;
    const events = methods.includes(method) ? [await this.event(user, actor, 'auth.mfa_removed', meta, { details: { method } })] : [];
    await this.write(current, next, events, ifMatch !== undefined && ifMatch !== '*');
  }

  /** Replaces the recovery codes with a fresh set (the old ones stop working). */
  async regenerateRecoveryCodes(user: UserItem, actor: EventActor | undefined, meta: RequestMeta): Promise<{ recoveryCodes: string[] }> {
    const current = await this.get(user.tenantId, user.id);
    if (activeMethods(current).length === 0 || !current) throw conflict('Enrol a second factor first.');
    const { codes, stored } = this.recovery.generate(new Date(this.now()));
    await this.write(current, { ...current, recovery: stored }, [await this.event(user, actor, 'auth.recovery_codes_regenerated', meta)]);
    return { recoveryCodes: codes };
  }

  /** Sends a sign-in code to the verified phone number (login, re-authentication, password reset). */
  async sendCode(user: UserItem, purpose: 'login' | 'reauth' | 'reset', meta: RequestMeta): Promise<void> {
    const current = await this.get(user.tenantId, user.id);
    const phone = current?.sms?.confirmed ? await this.open(user, 'phone', current.enc.phone) : undefined;
    if (!current || !phone) throw conflict('No verified phone number is enrolled.');
    const now = this.now();
    const wait = this.codes.sendWait(current.smsSends, now);
    if (wait > 0) throw tooManyRequests(wait);
    const { code, pending } = this.codes.issue(user.id, purpose, now);
    await this.write(current, { ...current, pendingCode: pending, smsSends: this.codes.recordSend(current.smsSends, now) }, [
      await this.event(user, undefined, 'auth.sms_code_sent', meta, { details: { purpose } }),
    ]);
    await this.sms.send({ to: phone, text: this.codeText(code) });
  }

  /**
   * Checks a second factor and consumes it: a TOTP code's time step is recorded (no reuse), an SMS
   * code is deleted, a recovery code is struck from the set. A failure is audited and counted towards
   * the account lockout. Returns false on any failure, including a locked account.
   */
  async verify(user: UserItem, method: SecondFactorMethod, code: string, purpose: 'login' | 'reauth' | 'reset', meta: RequestMeta): Promise<boolean> {
    if (isLocked(user.lockout, this.now())) return false;
    const current = await this.get(user.tenantId, user.id);
    const trimmed = code.trim();
    let next: MfaItem | undefined;
    const events: Awaited<ReturnType<typeof auditEvent>>[] = [];
    if (current && activeMethods(current).includes(method)) {
      if (method === 'totp') {
        const secret = await this.open(user, 'totpSecret', current.enc.totpSecret);
        const check = secret ? await this.totp.check(secret, trimmed, current.totp?.lastTimeStep, Math.floor(this.now() / 1000)) : { ok: false as const };
        if (check.ok) next = { ...current, totp: { ...(current.totp as NonNullable<MfaItem['totp']>), lastTimeStep: check.timeStep } };
      } else if (method === 'sms') {
        const result = this.codes.check(current.pendingCode, user.id, purpose, trimmed, this.now());
        if (result === 'ok') {
          next = { ...current };
          delete next.pendingCode;
        } else if (result === 'wrong' && current.pendingCode) {
          await this.write(current, { ...current, pendingCode: this.codes.afterFailure(current.pendingCode) }).catch(() => undefined);
        }
      } else {
        const rest = this.recovery.consume(current.recovery, trimmed);
        if (rest) {
          next = { ...current, recovery: rest };
          events.push(await this.event(user, undefined, 'auth.recovery_code_used', meta, { details: { remaining: rest.hashes.length } }));
        }
      }
    }
    if (next && current) {
      try {
        await this.write(current, next, events);
        return true;
      } catch {
        // Someone used the same factor at the same moment: only one of the two may succeed.
      }
    }
    await this.failed(user, method, purpose, meta);
    return false;
  }

  /** Audits a failed second factor and counts it towards the lockout, on the stored user. */
  private async failed(user: UserItem, method: SecondFactorMethod, purpose: string, meta: RequestMeta): Promise<void> {
    // Re-read and retried on a concurrent write: parallel guesses must each count.
    await this.users
      .recordFailedProof(user, 'auth.mfa_failed', { method, purpose }, meta, this.now())
      .catch((err: unknown) => this.platform.log.warn('could not record a failed second factor', { error: String(err), correlationId: meta.correlationId }));
  }

  /** Forgets everything about a user's second factors (user removal). */
  async forget(tenantId: string, userId: string): Promise<void> {
    await this.col(tenantId).delete(mfaItemId(userId));
  }
}

export type { PendingCode };
