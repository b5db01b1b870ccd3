import { describe, expect, it } from '@jest/globals';
import { deliveryMetadata } from '../../../../shared/platform/functions.js';
import { LocalBroker } from '../../../../shared/platform/local/broker.js';
import type { DeliveryMetadata } from '../../../../shared/platform/bus/types.js';

/**
 * What `context.triggerMetadata` holds for a Service Bus trigger in Azure: the host's binding data
 * (Microsoft.Azure.WebJobs.Extensions.ServiceBus 5.x, ServiceBusTriggerBindingStrategy.AddBindingData)
 * sent over gRPC (strings as `string`, everything else as JSON: GrpcMessageConversionExtensions.ToRpc),
 * then turned back by @azure/functions 4.x fromRpcTriggerMetadata: first letter of every key lowered,
 * nested keys too, and every string value passed through JSON.parse when it parses.
 */
function asTheNodeWorkerSeesIt(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    deliveryCount: 3,
    deadLetterSource: null,
    lockToken: '6fd4c3a7-4e1f-4f0a-9b1f-2c2f1d0a7c11',
    expiresAtUtc: '2025-03-18T05:06:07.1234567',
    expiresAt: '2025-03-18T05:06:07.1234567+00:00',
    // DateTimeOffset.DateTime is of kind Unspecified: Json.NET writes it without a zone.
    enqueuedTimeUtc: '2025-03-04T05:06:07.1234567',
    enqueuedTime: '2025-03-04T05:06:07.1234567+00:00',
    messageId: 'evt-7f3a',
    contentType: 'application/json',
    replyTo: null,
    sequenceNumber: 42,
    to: null,
    subject: 'audit.event',
    label: 'audit.event',
    correlationId: 'corr-1',
    applicationProperties: { kind: 'user.invited', attempt: 2, nested: { a: 1 } },
    userProperties: { kind: 'user.invited', attempt: 2, nested: { a: 1 } },
    sessionId: 'c0ffee00-1111-4222-8333-444455556666',
    replyToSessionId: null,
    partitionKey: 'c0ffee00-1111-4222-8333-444455556666',
    transactionPartitionKey: null,
    messageReceiver: {},
    messageSession: {},
    messageActions: {},
    sessionActions: {},
    receiveActions: {},
    client: {},
    ...overrides,
  };
}

describe('deliveryMetadata (Service Bus trigger metadata → DeliveryMetadata)', () => {
  it('maps what the Functions host provides', () => {
    expect(deliveryMetadata(asTheNodeWorkerSeesIt())).toStrictEqual({
      messageId: 'evt-7f3a',
      deliveryCount: 3,
      enqueuedTimeUtc: '2025-03-04T05:06:07.123Z',
      applicationProperties: { kind: 'user.invited', attempt: 2 },
      sessionId: 'c0ffee00-1111-4222-8333-444455556666',
      correlationId: 'corr-1',
    });
  });

  it('reads ids the worker turned into numbers or booleans back as text', () => {
    const meta = deliveryMetadata(asTheNodeWorkerSeesIt({ messageId: 1234, sessionId: 987, correlationId: true }));
    expect(meta).toMatchObject({ messageId: '1234', sessionId: '987', correlationId: 'true' });
  });

  it('takes the zone-less EnqueuedTimeUtc as UTC when EnqueuedTime is absent (older extensions)', () => {
    const meta = deliveryMetadata(asTheNodeWorkerSeesIt({ enqueuedTime: undefined, enqueuedTimeUtc: '2025-03-04T05:06:07.5' }));
    expect(meta.enqueuedTimeUtc).toBe('2025-03-04T05:06:07.500Z');
    const offset = deliveryMetadata(asTheNodeWorkerSeesIt({ enqueuedTime: '2025-03-04T07:06:07+02:00' }));
    expect(offset.enqueuedTimeUtc).toBe('2025-03-04T05:06:07.000Z');
  });

  it('falls back to UserProperties (extension 4.x) and leaves out absent optional fields', () => {
    const meta = deliveryMetadata(
      asTheNodeWorkerSeesIt({ applicationProperties: undefined, userProperties: { source: 'pos' }, sessionId: null, correlationId: null }),
    );
    expect(meta.applicationProperties).toEqual({ source: 'pos' });
    expect('sessionId' in meta).toBe(false);
    expect('correlationId' in meta).toBe(false);
  });

  it('never yields a delivery count below 1 or an invalid time', () => {
    for (const deliveryCount of [undefined, null, 'x', 0, 1.5]) {
      expect(deliveryMetadata(asTheNodeWorkerSeesIt({ deliveryCount })).deliveryCount).toBe(1);
    }
    const meta = deliveryMetadata({ enqueuedTimeUtc: 'not a time' });
    expect(Number.isNaN(Date.parse(meta.enqueuedTimeUtc))).toBe(false);
    expect(meta.messageId).toBe('');
  });

  it('passes the in-process broker metadata through unchanged: the local host uses the same names', async () => {
    const broker = new LocalBroker({ maxDeliveryCount: 3, retryDelayMs: 1, duplicateWindowMs: 60_000, maxConcurrentCalls: 1, maxConcurrentSessions: 1 });
    const seen: DeliveryMetadata[] = [];
    broker.subscribe('audit', async (m) => {
      seen.push(m.metadata);
    });
    await broker.publish('audit', [
      { messageId: 'evt-1', sessionId: 'tenant-a', correlationId: 'corr-9', applicationProperties: { kind: 'k' }, body: { n: 1 } },
    ]);
    await broker.idle();
    expect(seen).toHaveLength(1);
    const local = seen[0] as DeliveryMetadata;
    expect(deliveryMetadata({ ...local })).toStrictEqual(local);
  });
});
