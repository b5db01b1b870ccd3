import { describe, expect, it } from '@jest/globals';
import { LocalBroker } from '../../../shared/platform/local/broker.js';
import { LocalDeadLetters } from '../../../shared/platform/bus/dead-letters.js';

async function brokerWithDeadLetters(n: number): Promise<LocalBroker> {
  const b = new LocalBroker({ maxDeliveryCount: 1, retryDelayMs: 1, duplicateWindowMs: 60_000, maxConcurrentCalls: 4, maxConcurrentSessions: 4 });
  b.subscribe('imports', async () => {
    throw new Error('downstream is down');
  });
  await b.publish(
    'imports',
    Array.from({ length: n }, (_, i) => ({ messageId: `m${i + 1}`, body: { n: i + 1 } })),
  );
  await b.idle();
  return b;
}

describe('LocalDeadLetters (the one dead-letter port, in-process adapter)', () => {
  it('peek shows dead letters with their reason and leaves them in place', async () => {
    const b = await brokerWithDeadLetters(2);
    const port = new LocalDeadLetters(b);
    const seen = await port.peek('imports', 10);
    expect(seen.map((d) => d.messageId).sort()).toEqual(['m1', 'm2']);
    expect(seen[0]).toMatchObject({ queue: 'imports', deadLetterReason: 'MaxDeliveryCountExceeded', deadLetterErrorDescription: 'downstream is down', deliveryCount: 1 });
    expect(await port.peek('imports', 10)).toHaveLength(2);
  });

  it('take does not remove; settle removes only what was taken', async () => {
    const b = await brokerWithDeadLetters(3);
    const port = new LocalDeadLetters(b);
    const taken = await port.take('imports', 2);
    expect(taken).toHaveLength(2);
    expect(b.deadLettered('imports')).toHaveLength(3);
    await port.settle('imports', taken);
    const left = await port.peek('imports', 10);
    expect(left).toHaveLength(1);
    expect(taken.map((d) => d.messageId)).not.toContain(left[0]?.messageId);
    // Settling again without a new take removes nothing.
    await port.settle('imports', taken);
    expect(b.deadLettered('imports')).toHaveLength(1);
  });
});
