import type { Platform } from '../platform/platform.js';
import type { Identity } from '../identity/index.js';
import { actorOf, auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import type { Principal } from '../access/principal.js';
import { PLATFORM_TENANT } from '../platform/topology.js';
import type { FactItem } from '../integrations/model.js';
import { RedactionRequests, type RequestInput, type Requested } from './requests.js';
import { RedactionRunner, deleteUserItems, type Delivery } from './redaction.js';
import { SubjectExporter, type SubjectExport } from './export.js';
import { purgeExpiredIdentityItems, type RetentionResult } from './retention.js';
import type { RewrapResult } from '../platform/crypto/subject-keys.js';
import { checkIfMatch } from '../http/etag.js';
import type { RedactionJobItem, RedactionRequester } from './model.js';
import { employeeIndexOf } from '../platform/crypto/employee-subject.js';

export type { RedactionJobItem } from './model.js';
export { jobView, REDACTION_STEPS } from './model.js';

export interface SubjectToReapply {
  tenantId: string;
  subjectId: string;
}

/**
 * Privacy operations: redaction jobs (crypto-shredding plus removal of what identifies a person in
 * clear), account removal, data-subject export, identity retention and the post-restore
 * re-application of redactions. See docs/privacy.md.
 */
export class Privacy {
  readonly requests: RedactionRequests;
  readonly runner: RedactionRunner;
  readonly exporter: SubjectExporter;

  constructor(
    private readonly platform: Platform,
    private readonly identity: Identity,
  ) {
    this.requests = new RedactionRequests(platform, identity);
    // Only the local outboxes keep copies of sent messages; Azure Communication Services keeps none of ours.
    const sentMessages = [identity.localMail, identity.secondFactors.localSms].filter((o): o is NonNullable<typeof o> => o !== undefined);
    this.runner = new RedactionRunner(platform, identity, sentMessages);
    this.exporter = new SubjectExporter(platform, identity);
  }

  /** Accepts a redaction of an account; the account is locked out before this returns. */
  async requestUserRedaction(tenantId: string, userId: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta): Promise<Requested> {
    const requested = await this.requests.forUser(tenantId, userId, input, requester, actor, meta);
    await this.runner.lockOut(tenantId, userId);
    return requested;
  }

  requestEmployeeRedaction(tenantId: string, employeeNumber: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta): Promise<Requested> {
    return this.requests.forEmployee(tenantId, employeeNumber, input, requester, actor, meta);
  }

  job(tenantId: string, jobId: string): Promise<RedactionJobItem | undefined> {
    return this.requests.get(tenantId, jobId);
  }

  /** The `redaction` queue handler. */
  runJob(tenantId: string, jobId: string, delivery: Delivery): Promise<RedactionJobItem | undefined> {
    return this.runner.run(tenantId, jobId, delivery);
  }

  /**
   * DELETE /users/{id}: an account nobody's history refers to (never signed in, never acted, no
   * time records) is removed outright — item, identity items and data key; otherwise it is
   * redacted, so audit entries and imports keep pointing at a pseudonymised account. `principal`
   * must be allowed to remove the user (identity's UserService.removable).
   */
  async removeAccount(principal: Principal, userId: string, ifMatch: string | undefined, meta: RequestMeta): Promise<{ outcome: 'removed' } | { outcome: 'redacted'; jobId: string }> {
    const tenantId = principal.tenantId;
    const actor = actorOf(principal);
    const user = await this.identity.users.removable(principal, userId);
    // A stale If-Match answers 412 before anything changes; the removal's own write is conditioned on the same ETag.
    const etag = checkIfMatch(ifMatch, user);
    if (await this.referenced(tenantId, user.id, user.lastLoginAt)) {
      const { job } = await this.requests.forUser(tenantId, userId, { reason: 'account removal', requestedBy: 'account removal' }, { via: actor.type === 'platform-operator' ? 'platform-operator' : 'tenant-user', actorId: actor.id }, actor, meta, 'account-removal');
      await this.runner.lockOut(tenantId, userId);
      return { outcome: 'redacted', jobId: job.id };
    }
    await this.identity.sessions.revokeAll(tenantId, userId, 'user_deleted');
    await deleteUserItems(this.platform, tenantId, userId);
    await this.identity.users.remove(tenantId, userId, actor, meta, etag);
    return { outcome: 'removed' };
  }

  private async referenced(tenantId: string, userId: string, lastLoginAt: string | undefined): Promise<boolean> {
    if (lastLoginAt) return true;
    const acted = await this.platform.store
      .collection('audit', tenantId)
      .all<{ id: string }>("SELECT TOP 1 c.id FROM c WHERE c.type = 'auditEntry' AND c.actorId = @userId", { userId });
    if (acted.length > 0) return true;
    const user = await this.identity.users.get(tenantId, userId);
    const employeeNumber = user ? (await this.identity.users.profile(user)).employeeNumber : undefined;
    if (!employeeNumber) return false;
    const ix = await this.platform.blindIndex.compute(tenantId, 'employeeNumber', employeeNumber);
    const facts = await this.platform.store.collection<FactItem>('facts', tenantId).all<{ id: string }>("SELECT TOP 1 c.id FROM c WHERE c.type = 'fact' AND c.employeeIndex = @ix", { ix });
    return facts.length > 0;
  }

  /** A data-subject export, audited as `privacy.export_generated` (the event names the user id, not the content). */
  async exportUser(tenantId: string, userId: string, actor: EventActor, meta: RequestMeta): Promise<SubjectExport> {
    const doc = await this.exporter.forUser(tenantId, userId);
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor,
      action: 'privacy.export_generated',
      target: { type: 'user', id: userId },
      details: { auditEntries: doc.auditEntries.length, timeRecords: doc.timeRecords.length, sessions: doc.sessions.length },
      ...meta,
    });
    await this.platform.outbox.emit(tenantId, [event]);
    return doc;
  }

  /** Retention timer: expired sessions, refresh, reset and invitation tokens, MFA challenges, SSO codes. */
  purgeExpired(now?: Date): Promise<RetentionResult> {
    return purgeExpiredIdentityItems(this.platform, now);
  }

  /**
   * KEK re-wrapping timer: data keys wrapped under an older KEK version are wrapped again under the
   * current one (SubjectKeyRing.rewrap), audited per tenant as `privacy.keys_rewrapped`. Keys whose
   * version can no longer unwrap are logged as an error for the on-call engineer, never dropped.
   */
  async rewrapDataKeys(): Promise<RewrapResult> {
    const result = await this.platform.keys.rewrap();
    for (const [tenantId, keys] of result.perTenant) {
      await this.platform.outbox.emit(tenantId, [
        await auditEvent(this.platform.cipher, {
          tenantId,
          actor: { type: 'system', id: 'keysRewrap' },
          action: 'privacy.keys_rewrapped',
          outcome: 'success',
          details: { keys, kekId: result.kekId },
        }),
      ]);
    }
    if (result.rewrapped > 0) this.platform.log.info('data keys re-wrapped under the current KEK version', { rewrapped: result.rewrapped });
    if (result.failed > 0) this.platform.log.error('data keys could not be re-wrapped: their KEK version no longer unwraps', { failed: result.failed });
    return result;
  }

  /**
   * Restore runbook step: after a point-in-time restore, shreds again and re-runs every step for
   * each completed redaction in the restored `privacy` container and for each subject passed in
   * (taken from the `privacy.redaction_completed` log events, which outlive the restore).
   */
  async reapplyRedactions(extra: SubjectToReapply[], actor: EventActor, meta: RequestMeta): Promise<{ jobs: number; subjects: number }> {
    const done = new Set<string>();
    const perTenant = new Map<string, { jobs: number; subjects: number }>();
    const tally = (tenantId: string, key: 'jobs' | 'subjects') => {
      const t = perTenant.get(tenantId) ?? { jobs: 0, subjects: 0 };
      t[key] += 1;
      perTenant.set(tenantId, t);
    };
    let jobs = 0;
    for (;;) {
      const page = await this.platform.store.scan<RedactionJobItem>(
        'privacy',
        "SELECT * FROM c WHERE c.type = 'redactionJob' AND c.status = 'completed' AND NOT ARRAY_CONTAINS(@done, c.id)",
        { done: [...done] },
        200,
      );
      for (const job of page) {
        await this.runner.reapply(job);
        for (const s of job.subjectIds) done.add(`${job.tenantId}/${s}`);
        done.add(job.id);
        tally(job.tenantId, 'jobs');
        jobs += 1;
      }
      if (page.length < 200) break;
    }
    let subjects = 0;
    for (const s of extra) {
      if (done.has(`${s.tenantId}/${s.subjectId}`) || s.tenantId === PLATFORM_TENANT) continue;
      const employee = employeeIndexOf(s.subjectId) !== undefined;
      await this.runner.reapply({
        id: `reapply-${s.subjectId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40)}`,
        tenantId: s.tenantId,
        subjectKind: employee ? 'employee' : 'user',
        ...(employee ? {} : { userId: s.subjectId }),
        subjectIds: [s.subjectId],
        pseudonym: employee ? 'Redacted employee' : 'Redacted user',
      });
      done.add(`${s.tenantId}/${s.subjectId}`);
      tally(s.tenantId, 'subjects');
      subjects += 1;
    }
    for (const [tenantId, counts] of perTenant) {
      const event = await auditEvent(this.platform.cipher, { tenantId, actor, action: 'privacy.redactions_reapplied', target: { type: 'tenant', id: tenantId }, details: counts, ...meta });
      await this.platform.outbox.emit(tenantId, [event]);
    }
    this.platform.log.info('redactions re-applied', { jobs, subjects });
    return { jobs, subjects };
  }
}

export function createPrivacy(platform: Platform, deps: { identity: Identity }): Privacy {
  return new Privacy(platform, deps.identity);
}
