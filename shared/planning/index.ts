import type { Platform } from '../platform/platform.js';
import { PlanVersions, type PlanningDeps } from './versions.js';

export { PLAN_KINDS, TARGET_KPIS, VERSION_STATUSES, type PlanKind, type PlanVersionItem } from './model.js';
export { ACTIONS, TRANSITIONS, type Action } from './workflow.js';
export { invalidUpload, emptyPlans, type FactWriter, type LineDifference, type PlanningDeps, type PlanningPolicy, type PlanRef, type PropertyPlans, type VersionSummary, type VersionView } from './versions.js';
export { XLSX_TYPE } from './templates.js';

/**
 * The Planning service (PMI Plus upload centre): templates, uploads validated into versions, their
 * approval workflow, and the versions in force that reports use. Built once by the composition root
 * with the ports it needs of identity (properties, tenant policy) and integrations (the FactStore).
 */
export interface Planning {
  versions: PlanVersions;
}

export function createPlanning(platform: Pick<Platform, 'store' | 'outbox' | 'cipher'>, deps: PlanningDeps): Planning {
  return { versions: new PlanVersions(platform, deps) };
}
