import type { PatchOperation } from '@azure/cosmos';
import type { Platform } from '../platform/platform.js';
import type { Identity } from '../identity/index.js';
import type { UserItem } from '../identity/model.js';
import type { FactItem } from '../integrations/model.js';
import { mapLimit } from '../platform/concurrency.js';
import { auditEvent } from '../audit/emit.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { RawBodyRedactor } from './raw-bodies.js';
import { contactTerms, type SentMessages } from './sent-messages.js';
import { lockId, REDACTION_STEPS, type RedactionJobItem, type RedactionStep } from './model.js';
import { employeeIndexOf } from '../platform/crypto/employee-subject.js';

/**
 * Test seam: called before each step runs and after it is recorded; a throw simulates a crash (or a
 * step that keeps failing) at that point, a pending promise a slow step.
 */
export type FaultHook = (step: RedactionStep, job: RedactionJobItem, deliveryCount: number, phase: 'before' | 'after') => void | Promise<void>;

export interface Delivery {
  deliveryCount: number;
  maxDeliveryCount: number;
}

/** What the steps need to know about a subject: a job, or a re-application after a restore. */
export type SubjectRef = Pick<RedactionJobItem, 'id' | 'tenantId' | 'subjectKind' | 'userId' | 'subjectIds' | 'pseudonym'>;

type Counts = Record<string, number>;

const WRITE_CONCURRENCY = 16;

/**
 * Runs redaction jobs (the `redaction` queue). Every step is idempotent and recorded on the job
 * item when done, so a redelivery after a crash resumes where the last run stopped and a second
 * run of a completed job does nothing. Audit entries are never touched: shredding the subject's
 * key is what makes the personal values inside them unreadable, so the chain still verifies.
 */
export class RedactionRunner {
  fault: FaultHook | undefined;
  private readonly rawBodies: RawBodyRedactor;

  constructor(
    private readonly platform: Platform,
    private readonly identity: Pick<Identity, 'sessions' | 'authenticator' | 'users'>,
    /** Channels that keep copies of what was sent (the local dev outboxes; none in Azure). */
    private readonly sentMessages: readonly SentMessages[] = [],
  ) {
    this.rawBodies = new RawBodyRedactor(platform);
  }

  private jobs(tenantId: string) {
    return this.platform.store.collection<RedactionJobItem>('privacy', tenantId);
  }

  /** Runs (or resumes) a job. Returns the job as it ended, or undefined when there is no such job. */
  async run(tenantId: string, jobId: string, delivery: Delivery): Promise<RedactionJobItem | undefined> {
    const found = await this.jobs(tenantId).read(jobId);
    if (!found || found.type !== 'redactionJob') return undefined;
    if (found.status === 'completed') return found;
    let job = await this.update(found, [
      { op: 'set', path: '/status', value: 'running' },
      { op: 'set', path: '/startedAt', value: found.startedAt ?? new Date().toISOString() },
      { op: 'set', path: '/attempts', value: found.attempts + 1 },
    ]);
    try {
      for (const step of REDACTION_STEPS) {
        if (job.steps.includes(step)) continue;
        await this.fault?.(step, job, delivery.deliveryCount, 'before');
        if (step === 'complete') return await this.complete(job);
        const counts = await this.perform(step, job);
        job = await this.update(job, [
          { op: 'set', path: '/steps', value: [...job.steps, step] },
          ...Object.entries(counts).map(([k, v]) => ({ op: 'set' as const, path: `/counts/${k}`, value: v })),
        ]);
        await this.fault?.(step, job, delivery.deliveryCount, 'after');
      }
      return job;
    } catch (err) {
      if (delivery.deliveryCount >= delivery.maxDeliveryCount) await this.fail(job, err);
      throw err;
    }
  }

  /** Runs every step again for a subject (after a restore brought back old state); no job bookkeeping. */
  async reapply(subject: SubjectRef): Promise<Counts> {
    const total: Counts = {};
    for (const step of REDACTION_STEPS) {
      if (step === 'complete') continue;
      Object.assign(total, await this.perform(step, subject));
    }
    return total;
  }

  private async perform(step: RedactionStep, s: SubjectRef): Promise<Counts> {
    const employeeIndexes = s.subjectIds.map(employeeIndexOf).filter((x): x is string => x !== undefined);
    switch (step) {
      case 'disable-login':
        return s.userId ? this.disableLogin(s.tenantId, s.userId) : {};
      case 'purge-sent-messages':
        return s.userId ? this.purgeSentMessages(s.tenantId, s.userId) : {};
      case 'end-sessions':
        return s.userId ? this.endSessions(s.tenantId, s.userId) : {};
      case 'shred-keys':
        for (const subjectId of s.subjectIds) await this.platform.keys.shred(s.tenantId, subjectId);
        return { keysShredded: s.subjectIds.length };
      case 'pseudonymise-account':
        return s.userId ? this.pseudonymise(s) : {};
      case 'unlink-time-records': {
        let n = 0;
        for (const ix of employeeIndexes) n += await this.unlinkTimeRecords(s, ix);
        return { timeRecordsUnlinked: n };
      }
      case 'purge-raw-bodies': {
        let purged = 0;
        for (const ix of employeeIndexes) purged += (await this.rawBodies.purgeMentioning(s.tenantId, ix)).purged;
        return { rawBodiesPurged: purged };
      }
      case 'complete':
        return {};
    }
  }

  /** Locks the account out at once (at request time, before the job runs): the first two steps' effect on sign-in. */
  async lockOut(tenantId: string, userId: string): Promise<void> {
    await this.disableLogin(tenantId, userId);
    await this.identity.sessions.revokeAll(tenantId, userId, 'redacted');
  }

  /** The account can no longer sign in: status redacted (the authenticator accepts only active users), no password, no roles. */
  private async disableLogin(tenantId: string, userId: string): Promise<Counts> {
    const users = this.platform.store.collection<UserItem>('identity', tenantId);
    // Conditional on the ETag and retried: the request's own lock-out may be writing the same user.
    for (let attempt = 0; ; attempt++) {
      const user = await users.read<UserItem>(userId);
      if (!user || user.type !== 'user') return {};
      if (user.status === 'redacted' && user.passwordHash === undefined && user.roles.length === 0) break;
      // Roles go too, at once: a removed account must not keep a role in use (or count as its holder).
      const next: UserItem = { ...user, status: 'redacted', roles: [], pv: user.pv + 1, updatedAt: new Date().toISOString() };
      delete next.passwordHash;
      try {
        await users.replace(next, user._etag);
        break;
      } catch (err) {
        if (!isStoreError(err, 'precondition_failed') || attempt >= 7) throw err;
      }
    }
    this.forgetCachedState();
    return {};
  }

  /**
   * Copies of messages sent to or naming the person (the local e-mail and SMS outboxes) go. Runs
   * before the MFA item is deleted and the key shredded: finding them needs the address, the phone
   * number and the name, opened under that key.
   */
  private async purgeSentMessages(tenantId: string, userId: string): Promise<Counts> {
    if (this.sentMessages.length === 0) return {};
    const terms = await contactTerms(this.platform, this.identity.users, tenantId, userId);
    let purged = 0;
    for (const channel of this.sentMessages) purged += await channel.forget(terms);
    return { sentMessagesPurged: purged };
  }

  /**
   * Ends every session and deletes everything else the identity store keeps about the user:
   * sessions, refresh tokens, invitations, reset tokens, MFA (secrets, phone number and its blind
   * index), SSO links and the e-mail blind-index entry.
   */
  private async endSessions(tenantId: string, userId: string): Promise<Counts> {
    const ended = await this.identity.sessions.revokeAll(tenantId, userId, 'redacted');
    const deleted = await deleteUserItems(this.platform, tenantId, userId);
    this.forgetCachedState();
    return { sessionsEnded: ended, identityItemsDeleted: deleted };
  }

  /** What identifies the person in clear goes; the account stays as "Redacted user xxxx" so references resolve. */
  private async pseudonymise(s: SubjectRef): Promise<Counts> {
    const users = this.platform.store.collection<UserItem>('identity', s.tenantId);
    const user = await users.read<UserItem>(s.userId as string);
    if (!user || user.type !== 'user') return {};
    const now = new Date().toISOString();
    const next = {
      id: user.id,
      tenantId: user.tenantId,
      type: 'user',
      status: 'redacted',
      enc: {},
      emailIndex: `redacted:${s.id}`,
      roles: [],
      pv: user.pv + 1,
      lockout: { failures: [], lockCount: 0 },
      createdAt: user.createdAt,
      updatedAt: now,
      pseudonym: s.pseudonym,
      redactedAt: (user as UserItem & { redactedAt?: string }).redactedAt ?? now,
      // Audit events of an earlier write that the relay has not published yet must survive.
      ...(user.pendingMessages ? { pendingMessages: user.pendingMessages, pendingSince: user.pendingSince } : {}),
    } as unknown as UserItem;
    await users.replace(next, user._etag);
    this.forgetCachedState();
    return {};
  }

  /**
   * Time records keep their hours (reports need them) but lose every link to the person: the
   * employee-number blind index, the subject id derived from it and the sealed fields (already
   * unreadable). Aggregates are not recomputed, so report figures, labour cost included, stay.
   */
  private async unlinkTimeRecords(s: SubjectRef, employeeIndex: string): Promise<number> {
    const facts = this.platform.store.collection<FactItem>('facts', s.tenantId);
    const linked = await facts.all<Pick<FactItem, 'id' | 'propertyId' | 'enc'>>("SELECT c.id, c.propertyId, c.enc FROM c WHERE c.type = 'fact' AND c.employeeIndex = @ix", { ix: employeeIndex });
    await mapLimit(linked, WRITE_CONCURRENCY, async (f) => {
      const ops: PatchOperation[] = [
        { op: 'remove', path: '/employeeIndex' },
        { op: 'set', path: '/subjectId', value: `redacted:${s.id}` },
      ];
      if (f.enc !== undefined) ops.push({ op: 'remove', path: '/enc' });
      try {
        await facts.scoped(f.propertyId).patch(f.id, ops);
      } catch (err) {
        if (!isStoreError(err, 'not_found')) throw err;
      }
    });
    return linked.length;
  }

  private async complete(job: RedactionJobItem): Promise<RedactionJobItem> {
    const now = new Date().toISOString();
    const next: RedactionJobItem = { ...job, status: 'completed', steps: [...job.steps, 'complete'], completedAt: now };
    delete next.failure;
    const details: Record<string, string | number> = { subjectKind: job.subjectKind, origin: job.origin };
    for (const [k, v] of Object.entries(job.counts)) details[k] = v;
    const event = await auditEvent(this.platform.cipher, {
      // Deterministic: a second completion (a race with a redelivery) is the same event, appended once.
      id: `privacy.redaction_completed:${job.id}`,
      tenantId: job.tenantId,
      actor: { type: 'system', id: 'privacy-redaction' },
      action: 'privacy.redaction_completed',
      target: { type: 'redactionJob', id: job.id },
      outcome: 'success',
      details,
    });
    const saved = await this.platform.outbox.commit('privacy', 'replace', next, [event], job._etag);
    await this.jobs(job.tenantId).delete(lockId(job.subjectKey));
    return saved;
  }

  private async fail(job: RedactionJobItem, err: unknown): Promise<void> {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    try {
      await this.update(job, [
        { op: 'set', path: '/status', value: 'failed' },
        { op: 'set', path: '/failedAt', value: new Date().toISOString() },
        { op: 'set', path: '/failure', value: reason.slice(0, 500) },
      ]);
      // A failed job is no longer open: a new request starts a fresh job (every step is idempotent).
      await this.jobs(job.tenantId).delete(lockId(job.subjectKey));
    } catch (inner) {
      this.platform.log.error('could not record a failed redaction job', { tenantId: job.tenantId, jobId: job.id, error: String(inner) });
    }
  }

  private async update(job: RedactionJobItem, ops: PatchOperation[]): Promise<RedactionJobItem> {
    return this.jobs(job.tenantId).patch<RedactionJobItem>(job.id, ops);
  }

  private forgetCachedState(): void {
    const auth = this.identity.authenticator as { invalidate?: () => void };
    auth.invalidate?.();
  }
}

/** Deletes every identity item that belongs to a user, except the account itself. Returns how many. */
export async function deleteUserItems(platform: Platform, tenantId: string, userId: string): Promise<number> {
  const col = platform.store.collection('identity', tenantId);
  const items = await col.all<{ id: string }>("SELECT c.id FROM c WHERE c.userId = @userId AND c.type != 'user'", { userId });
  await mapLimit(items, WRITE_CONCURRENCY, (i) => col.delete(i.id));
  return items.length;
}
