import type { BulkOperationResponse, Container, OperationInput, OperationResponse } from '@azure/cosmos';
import { StoreError, translateCosmosError } from './errors.js';

/** The store's limit of operations per bulk request (the SDK refuses more per call). */
export const BULK_MAX_OPERATIONS = 100;

/** Per-operation statuses that mean "throttled or not served, try again", not "refused". */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 449, 500, 503]);

/** Sends one bulk request through the SDK. */
type SendBulk = (operations: OperationInput[]) => Promise<BulkOperationResponse>;

/**
 * Test seam (StoreFaults.bulkRequest): stands in front of the SDK's bulk call and may answer some
 * operations itself, as Cosmos DB answers a 207 with per-operation 429s, sending the rest with `send`.
 */
export type BulkRequestFault = (operations: OperationInput[], send: SendBulk) => Promise<BulkOperationResponse>;

/**
 * One bulk request (at most BULK_MAX_OPERATIONS operations), the only place the SDK's bulk call is
 * made: TenantCollection.bulk and the group commit (CreateGroup) both send through here.
 *
 * `items.bulk` sends at once; its successor `executeBulkOperations` (SDK 4.9.x) holds a partial
 * batch for a fixed second before it answers, which a request/response path can't afford.
 * Operations fail on their own (continue on error); results come back in input order. A failed
 * request throws a StoreError: the SDK wraps it in a plain Error after its own retries, so what is
 * left is the store being unreachable. `requests` counts what the SDK actually sent (it splits a
 * body above ~220 kB, and retries a throttled request whole), read from its diagnostics.
 */
export async function bulkRequest(container: Container, operations: OperationInput[], fault?: BulkRequestFault): Promise<{ responses: OperationResponse[]; requests: number }> {
  const send: SendBulk = (ops) => container.items.bulk(ops, { continueOnError: true });
  let answered: BulkOperationResponse;
  try {
    answered = await (fault ? fault(operations, send) : send(operations));
  } catch (err) {
    if (typeof (err as { code?: unknown }).code === 'number') translateCosmosError(err);
    throw new StoreError('unavailable', `bulk request failed: ${(err as Error).message}`);
  }
  const requests = Math.max(1, answered.diagnostics?.clientSideRequestStatistics?.gatewayStatistics?.length ?? 0);
  return { responses: answered, requests };
}
