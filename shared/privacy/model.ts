import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import type { Sealed } from '../platform/crypto/field-cipher.js';

export type RedactionStatus = 'queued' | 'running' | 'completed' | 'failed';

/**
 * The steps of a redaction, in the order they run. Each is idempotent; the job item records the
 * ones done, so a redelivery after a crash resumes at the first step not yet recorded.
 */
export const REDACTION_STEPS = [
  'disable-login',
  'purge-sent-messages',
  'end-sessions',
  'shred-keys',
  'pseudonymise-account',
  'unlink-time-records',
  'purge-raw-bodies',
  'complete',
] as const;
export type RedactionStep = (typeof REDACTION_STEPS)[number];

/** Who asked: a tenant user with privacy.manage, or a platform operator relaying a verified tenant contact's request. */
export interface RedactionRequester {
  via: 'tenant-user' | 'platform-operator';
  actorId: string;
}

/**
 * A redaction job in the `privacy` container (id = job id = queue message id). It keeps only
 * non-personal evidence: the pseudonym, the subject's data-key ids (the same ids the key tombstones
 * in the `keys` container carry; an employee's is `emp:<blind index>`, which is how time records
 * and raw bodies are still found after the key is gone), counts and timestamps.
 */
export interface RedactionJobItem extends Item, OutboxCarrier {
  type: 'redactionJob';
  subjectKind: 'user' | 'employee';
  /** The account redacted (a random id that carries nothing about the person). */
  userId?: string;
  /** Data-key ids shredded: the user id and/or `emp:<blind index>`. */
  subjectIds: string[];
  /** The open-job lock key of the subject, e.g. `user:<id>` or `emp:<blind index>`. */
  subjectKey: string;
  pseudonym: string;
  status: RedactionStatus;
  steps: RedactionStep[];
  counts: Record<string, number>;
  requester: RedactionRequester;
  /** Why and on whose request: free text sealed under the tenant's key (it names the requester, not the subject). */
  enc: { reason: Sealed; requestedBy: Sealed; contactVerification?: Sealed };
  requestedAt: string;
  startedAt?: string;
  completedAt?: string;
  failedAt?: string;
  attempts: number;
  failure?: string;
  /** How an account removal ended: set when the job came from DELETE /users/{id}. */
  origin: 'redaction-request' | 'account-removal';
}

/** At most one open job per subject: this item's id derives from the subject key; create fails while one exists. */
export interface OpenJobLockItem extends Item {
  type: 'redactionLock';
  jobId: string;
  createdAt: string;
}

export function lockId(subjectKey: string): string {
  return `lock:${subjectKey}`;
}

/** The job as the API shows it. */
export interface RedactionJobView {
  jobId: string;
  subjectKind: 'user' | 'employee';
  userId: string | null;
  pseudonym: string;
  status: RedactionStatus;
  stepsDone: RedactionStep[];
  steps: readonly RedactionStep[];
  counts: Record<string, number>;
  requestedVia: RedactionRequester['via'];
  requestedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  failedAt: string | null;
  attempts: number;
  failure: string | null;
}

export function jobView(job: RedactionJobItem): RedactionJobView {
  return {
    jobId: job.id,
    subjectKind: job.subjectKind,
    userId: job.userId ?? null,
    pseudonym: job.pseudonym,
    status: job.status,
    stepsDone: job.steps,
    steps: REDACTION_STEPS,
    counts: job.counts,
    requestedVia: job.requester.via,
    requestedAt: job.requestedAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
    failedAt: job.failedAt ?? null,
    attempts: job.attempts,
    failure: job.failure ?? null,
  };
}
