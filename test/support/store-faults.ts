import type { BulkOperationResponse, OperationInput, OperationResponse } from '@azure/cosmos';
import type { BulkRequestFault } from '../../shared/platform/cosmos/bulk-request.js';

/**
 * A `bulkRequest` fault (Store.faults) that answers some operations of each bulk request itself, as
 * Cosmos DB answers a 207 with per-operation 429s: `statuses` names a status for each operation to
 * fail (undefined: sent), the others of the same request go to the store and succeed on their own.
 */
export function answerSome(statuses: (operations: readonly OperationInput[]) => ReadonlyArray<number | undefined>): BulkRequestFault {
  return async (operations, send) => {
    const status = statuses(operations);
    if (!status.some((s) => s !== undefined)) return send(operations);
    const passed = operations.filter((_, i) => status[i] === undefined);
    const answered: BulkOperationResponse | undefined = passed.length > 0 ? await send(passed) : undefined;
    let k = 0;
    const merged: OperationResponse[] = operations.map((_, i) => {
      const failed = status[i];
      return failed === undefined ? (answered?.[k++] as OperationResponse) : { statusCode: failed, requestCharge: 0 };
    });
    return Object.assign(merged, { diagnostics: answered?.diagnostics }) as BulkOperationResponse;
  };
}
