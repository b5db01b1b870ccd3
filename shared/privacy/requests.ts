import { randomBytes, randomUUID } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Identity } from '../identity/index.js';
import { auditEvent, type EventActor, type RequestMeta } from '../audit/emit.js';
import { OWNER_ROLE } from '../identity/roles.js';
import { conflict, notFound } from '../http/problem.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { lockId, type OpenJobLockItem, type RedactionJobItem, type RedactionRequester } from './model.js';
import { employeeSubjectId } from '../platform/crypto/employee-subject.js';

/** The tenant-level subject whose key seals request reasons (they name the requester, never the subject). */
export const PRIVACY_REQUEST_SUBJECT = '_privacy';

export interface RequestInput {
  reason: string;
  requestedBy: string;
  /** Platform operators: how the tenant contact who asked was verified. */
  contactVerification?: string | undefined;
}

export interface Requested {
  job: RedactionJobItem;
  /** False when an open job for the same subject, or the job that already redacted it, was returned instead. */
  created: boolean;
}

interface NewJob {
  subjectKind: RedactionJobItem['subjectKind'];
  userId?: string;
  subjectIds: string[];
  subjectKey: string;
  origin: RedactionJobItem['origin'];
  /** The audit action recorded for the request (`privacy.redaction_requested`, or `user.deleted` for an account removal). */
  action: string;
  target: { type: string; id: string };
}

function pseudonymFor(kind: RedactionJobItem['subjectKind']): string {
  return `Redacted ${kind === 'user' ? 'user' : 'employee'} ${randomBytes(2).toString('hex')}`;
}

/**
 * Accepting redaction requests: one open job per subject (a lock item whose id derives from the
 * subject, created before the job, so two concurrent requests can't both start one), the job and
 * its `redaction` queue message written together through the outbox (message id = job id).
 */
export class RedactionRequests {
  constructor(
    private readonly platform: Platform,
    private readonly identity: Pick<Identity, 'users'>,
  ) {}

  private col(tenantId: string) {
    return this.platform.store.collection<RedactionJobItem | OpenJobLockItem>('privacy', tenantId);
  }

  async get(tenantId: string, jobId: string): Promise<RedactionJobItem | undefined> {
    const item = await this.col(tenantId).read<RedactionJobItem>(jobId);
    return item?.type === 'redactionJob' ? item : undefined;
  }

  /** Redaction of an account (and, when the profile names an employee number, of that employee's time records too). */
  async forUser(tenantId: string, userId: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta, origin: RedactionJobItem['origin'] = 'redaction-request'): Promise<Requested> {
    const user = await this.identity.users.get(tenantId, userId);
    if (!user) throw notFound('user');
    if (user.roles.some((r) => r.roleId === OWNER_ROLE) && user.status !== 'redacted') await this.identity.users.assertAnotherOwner(tenantId, userId);
    const subjectIds = [userId];
    const profile = await this.identity.users.profile(user);
    if (profile.employeeNumber) subjectIds.push(employeeSubjectId(await this.platform.blindIndex.compute(tenantId, 'employeeNumber', profile.employeeNumber)));
    return this.open(tenantId, input, requester, actor, meta, {
      subjectKind: 'user',
      userId,
      subjectIds,
      subjectKey: `user:${userId}`,
      origin,
      action: origin === 'account-removal' ? 'user.deleted' : 'privacy.redaction_requested',
      target: origin === 'account-removal' ? { type: 'user', id: userId } : { type: 'redactionJob', id: '' },
    });
  }

  /** Redaction of a person known only from time-keeping imports, by employee number (only its blind index is kept). */
  async forEmployee(tenantId: string, employeeNumber: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta): Promise<Requested> {
    const subjectId = employeeSubjectId(await this.platform.blindIndex.compute(tenantId, 'employeeNumber', employeeNumber));
    return this.open(tenantId, input, requester, actor, meta, {
      subjectKind: 'employee',
      subjectIds: [subjectId],
      subjectKey: subjectId,
      origin: 'redaction-request',
      action: 'privacy.redaction_requested',
      target: { type: 'redactionJob', id: '' },
    });
  }

  /** The job that completed the redaction of a subject, if it was redacted already (its key is shredded: nothing new can be sealed for it). */
  async completedFor(tenantId: string, subjectKey: string): Promise<RedactionJobItem | undefined> {
    const [job] = await this.col(tenantId).all<RedactionJobItem>(
      "SELECT TOP 1 * FROM c WHERE c.type = 'redactionJob' AND c.subjectKey = @subjectKey AND c.status = 'completed' ORDER BY c.completedAt DESC",
      { subjectKey },
    );
    return job;
  }

  private async open(tenantId: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta, spec: NewJob): Promise<Requested> {
    const col = this.col(tenantId);
    // A person redacted already is answered with the job that did it, not a second job.
    const done = await this.completedFor(tenantId, spec.subjectKey);
    if (done) return { job: done, created: false };
    for (let attempt = 0; ; attempt++) {
      const jobId = randomUUID();
      try {
        await col.create<OpenJobLockItem>({ id: lockId(spec.subjectKey), tenantId, type: 'redactionLock', jobId, createdAt: new Date().toISOString() });
      } catch (err) {
        if (!isStoreError(err, 'conflict')) throw err;
        const lock = await col.read<OpenJobLockItem>(lockId(spec.subjectKey));
        const existing = lock ? await this.get(tenantId, lock.jobId) : undefined;
        if (existing && (existing.status === 'queued' || existing.status === 'running')) return { job: existing, created: false };
        // A lock left by a crash before its job was written, or by a job that has ended: clear it and retry.
        if (lock && (!existing || existing.status === 'completed' || existing.status === 'failed')) await col.delete(lock.id);
        if (attempt >= 3) throw conflict('Another redaction request for this person is being accepted; try again.');
        continue;
      }
      const job = await this.create(tenantId, jobId, input, requester, actor, meta, spec);
      return { job, created: true };
    }
  }

  private async create(tenantId: string, jobId: string, input: RequestInput, requester: RedactionRequester, actor: EventActor, meta: RequestMeta, spec: NewJob): Promise<RedactionJobItem> {
    const seal = (field: string, value: string) => this.platform.cipher.seal({ tenantId, subjectId: PRIVACY_REQUEST_SUBJECT, field, recordId: jobId }, value);
    const job: RedactionJobItem = {
      id: jobId,
      tenantId,
      type: 'redactionJob',
      subjectKind: spec.subjectKind,
      ...(spec.userId ? { userId: spec.userId } : {}),
      subjectIds: spec.subjectIds,
      subjectKey: spec.subjectKey,
      pseudonym: pseudonymFor(spec.subjectKind),
      status: 'queued',
      steps: [],
      counts: {},
      requester,
      enc: {
        reason: await seal('redaction.reason', input.reason),
        requestedBy: await seal('redaction.requestedBy', input.requestedBy),
        ...(input.contactVerification ? { contactVerification: await seal('redaction.contactVerification', input.contactVerification) } : {}),
      },
      requestedAt: new Date().toISOString(),
      attempts: 0,
      origin: spec.origin,
    };
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor,
      action: spec.action,
      target: spec.target.type === 'redactionJob' ? { type: 'redactionJob', id: jobId } : spec.target,
      details: { jobId, subjectKind: spec.subjectKind, requestedVia: requester.via, ...(spec.origin === 'account-removal' ? { outcome: 'redacted' } : {}) },
      ...meta,
    });
    const message = { queue: 'redaction' as const, messageId: jobId, body: { tenantId, jobId }, subject: 'redaction', ...(meta.correlationId ? { correlationId: meta.correlationId } : {}) };
    return this.platform.outbox.commit('privacy', 'create', job, [message, event]);
  }
}
