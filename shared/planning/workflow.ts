import type { Permission } from '../access/permissions.js';
import type { VersionStatus } from './model.js';

/**
 * The workflow of a planning version (docs/planning.md, "Workflow"):
 *
 *   draft ──submit──► submitted ──approve──► approved ──lock──► locked
 *                          └──────reject───► rejected (with a comment)
 *
 * An invalid upload is recorded but never moves; a rejected version stays as it was (the planner
 * uploads a corrected file, which is a new version). Approving makes the version the one in force
 * for its property, year and kind; locking keeps it so (it cannot be superseded by accident, only
 * by approving a newer version, which is itself a deliberate, audited act).
 */
export const ACTIONS = ['submit', 'approve', 'reject', 'lock'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Transition {
  from: VersionStatus;
  to: VersionStatus;
  permission: Permission;
  /** The audit action recorded. */
  audit: string;
}

export const TRANSITIONS: Readonly<Record<Action, Transition>> = {
  submit: { from: 'draft', to: 'submitted', permission: 'planning.submit', audit: 'planning.version_submitted' },
  approve: { from: 'submitted', to: 'approved', permission: 'planning.approve', audit: 'planning.version_approved' },
  reject: { from: 'submitted', to: 'rejected', permission: 'planning.approve', audit: 'planning.version_rejected' },
  lock: { from: 'approved', to: 'locked', permission: 'planning.approve', audit: 'planning.version_locked' },
};

/** Why a transition is refused, or undefined when it may happen. */
export type Refusal = { status: 403 | 409 | 400; message: string; field?: string };

/**
 * Decides one transition from the version's state and who asks (the permission itself is checked
 * by the caller against the version's property). Pure, so the whole table is unit-tested.
 */
export function refusal(
  action: Action,
  version: { status: VersionStatus; submittedBy?: string | undefined },
  actor: { userId: string },
  policy: { selfApproval: boolean },
  comment: string | undefined,
): Refusal | undefined {
  const t = TRANSITIONS[action];
  if (version.status !== t.from) return { status: 409, message: `a ${version.status} version cannot be ${t.to === 'locked' ? 'locked' : t.to}: it must be ${t.from}` };
  if (action === 'reject' && !comment?.trim()) return { status: 400, field: 'body.comment', message: 'a rejection needs a comment saying why' };
  if ((action === 'approve' || action === 'reject') && version.submittedBy === actor.userId && !policy.selfApproval) {
    return { status: 403, message: 'you submitted this version: another person approves or rejects it (the tenant setting planning.selfApproval allows it)' };
  }
  return undefined;
}
