import { DEFAULT_EXPECTED_ARRIVAL, type ConnectorStateItem } from '../../../shared/connectors/runs/state.js';

/** A connector run state with everything at rest (no run queued, circuit closed, no backfill), `over` on top. */
export function stateOf(over: Partial<ConnectorStateItem> = {}): ConnectorStateItem {
  return {
    id: 'connector-state:int_AAAAAAAAAAAAAAAA',
    tenantId: 't1',
    type: 'connectorState',
    integrationId: 'int_AAAAAAAAAAAAAAAA',
    propertyId: 'p1',
    connector: 'test',
    schedule: '0 0 * * * *',
    watermark: '2026-12-04T10:00:00.000Z',
    backfill: { generation: 1, windows: [] },
    runs: [],
    consecutiveFailures: 0,
    circuit: { state: 'closed' },
    recordsRead: 0,
    expectedArrival: { ...DEFAULT_EXPECTED_ARRIVAL },
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...over,
  };
}
