import type { Container, CreateOperationInput, JSONObject, OperationResponse, PartitionKey } from '@azure/cosmos';
import { StoreError } from './errors.js';
import { BULK_MAX_OPERATIONS, TRANSIENT_STATUSES, bulkRequest, type BulkRequestFault } from './bulk-request.js';

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
 * Sent through bulkRequest (the one place the SDK's bulk call is made). Callers are TenantCollection
 * instances, which check the item's tenant and pin the partition key.
 */
export class CreateGroup {
  private waiting: Waiting[] = [];
  private scheduled = false;
  private sent = 0;
  private asked = 0;

  constructor(
    private readonly container: Container,
    /** The store's test seam, read at each request (StoreFaults.bulkRequest). */
    private readonly fault: () => BulkRequestFault | undefined = () => undefined,
  ) {}

  /** Bulk requests sent and creates asked for so far (their ratio is the mean group size). */
  get stats(): { requests: number; creates: number } {
    return { requests: this.sent, creates: this.asked };
  }

  create(partitionKey: PartitionKey, item: Record<string, unknown>): Promise<'created' | 'exists'> {
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
    while (this.waiting.length > 0) void this.send(this.waiting.splice(0, BULK_MAX_OPERATIONS));
  }

  private async send(group: Waiting[]): Promise<void> {
    let results: OperationResponse[];
    this.sent += 1;
    try {
      results = (await bulkRequest(this.container, group.map((w) => w.operation), this.fault())).responses;
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    group.forEach((w, i) => {
      const status = results[i]?.statusCode;
      if (status === 201) w.resolve('created');
      else if (status === 409) w.resolve('exists');
      else if (status === undefined || TRANSIENT_STATUSES.has(status)) w.reject(new StoreError('unavailable', `store unavailable (${status ?? 'no answer'}) for a create in a bulk request`));
      else w.reject(new Error(`bulk create failed with status ${status}`));
    });
  }
}
