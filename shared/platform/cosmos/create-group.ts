import type { Container, CreateOperationInput, JSONObject, OperationResponse } from '@azure/cosmos';
import { StoreError, translateCosmosError } from './errors.js';

/** A Cosmos DB bulk request carries at most 100 operations per partition key range. */
const MAX_OPERATIONS = 100;

interface Waiting {
  operation: CreateOperationInput;
  resolve: (outcome: 'created' | 'exists') => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for independent creates: every create asked for in the same turn of the event loop,
 * whoever asks, leaves as one bulk request, and each caller gets its own item's outcome. The audit
 * consumer appends for many tenant sessions at once, one create each; grouping them turns N round
 * trips into one without changing what any create means (each is still its own create, with its own
 * 409 — there is no atomicity across a group, nor any needed).
 *
 * Built on the SDK's `items.bulk`, which sends at once. Its successor `executeBulkOperations` waits up
 * to a second for a partial batch to fill, which suits offline loads, not a write someone awaits.
 * Callers are TenantCollection instances, which check the item's tenant and pin the partition key.
 */
export class CreateGroup {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private sent = 0;
  private asked = 0;

  constructor(private readonly container: Container) {}

  /** Bulk requests sent and creates asked for so far (their ratio is the mean group size). */
  get stats(): { requests: number; creates: number } {
    return { requests: this.sent, creates: this.asked };
  }

  create(partitionKey: string, item: Record<string, unknown>): Promise<'created' | 'exists'> {
    this.asked += 1;
    return new Promise((resolve, reject) => {
      this.waiting.push({ operation: { operationType: 'Create', partitionKey, resourceBody: item as JSONObject }, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: the creates of every handler resumed by the previous
        // responses are asked for before the group leaves.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) void this.send(this.waiting.splice(0, MAX_OPERATIONS));
  }

  private async send(group: Waiting[]): Promise<void> {
    let results: OperationResponse[];
    this.sent += 1;
    try {
      results = await this.container.items.bulk(
        group.map((w) => w.operation),
        { continueOnError: true },
      );
    } catch (err) {
      const failure = translated(err);
      for (const w of group) w.reject(failure);
      return;
    }
    group.forEach((w, i) => {
      const status = results[i]?.statusCode;
      if (status === 201) w.resolve('created');
      else if (status === 409) w.resolve('exists');
      else if (status === undefined) w.reject(new StoreError('unavailable', 'the store answered a bulk request without this create'));
      else w.reject(translated(Object.assign(new Error(`the store answered ${status} to a create in a bulk request`), { code: status })));
    });
  }
}

/** The StoreError an SDK failure maps to (the error itself when it maps to none). */
function translated(err: unknown): unknown {
  try {
    return translateCosmosError(err);
  } catch (mapped) {
    return mapped;
  }
}
