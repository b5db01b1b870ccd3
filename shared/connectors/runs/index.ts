import type { Platform } from '../../platform/platform.js';
import { ConnectorRuns, type ConnectorRunsDeps } from './service.js';

export { ConnectorRuns } from './service.js';
export type { ReceiveBatches, RunStatusView, SweepResult, RunOutcomeOf } from './service.js';
export type { ConnectorRunMessage, ConnectorStateItem } from './state.js';
export { MAX_BACKFILL_DAYS } from './planner.js';

/** Scheduled pulls, backfills and the status of connector integrations, on the platform and the import pipeline's receiver. */
export function createConnectorRuns(platform: Platform, deps: ConnectorRunsDeps): ConnectorRuns {
  return new ConnectorRuns(platform, deps);
}
