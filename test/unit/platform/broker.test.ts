import { describe, expect, it } from '@jest/globals';
import { LocalBroker, type DeliveredMessage } from '../../../shared/platform/local/broker.js';

function broker(overrides: Partial<ConstructorParameters<typeof LocalBroker>[0]> = {}) {
  return new LocalBroker({
    maxDeliveryCount: 10,
    retryDelayMs: 1,
    duplicateWindowMs: 60_000,
    maxConcurrentCalls: 4,
    maxConcurrentSessions: 4,
    ...overrides,
  });
}

describe('LocalBroker', () => {
  it('retries a failing message until maxDeliveryCount, then dead-letters it with reason and description', async () => {
    const b = broker();
    const seen: number[] = [];
    b.subscribe('imports', async (m) => {
      seen.push(m.metadata.deliveryCount);
      throw new Error('downstream is down');
    });
    await b.publish('imports', [{ messageId: 'm1', body: { n: 1 }, applicationProperties: { kind: 'test' } }]);
    await b.idle();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const dead = b.deadLettered('imports');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      body: { n: 1 },
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'downstream is down',
      metadata: { messageId: 'm1', deliveryCount: 10, applicationProperties: { kind: 'test' } },
    });
    expect(b.depth('imports')).toBe(0);
  });

  it('delivers again after a transient failure and completes (at-least-once)', async () => {
    const b = broker();
    const attempts: number[] = [];
    b.subscribe('redaction', async (m) => {
      attempts.push(m.metadata.deliveryCount);
      if (m.metadata.deliveryCount < 3) throw new Error('transient');
    });
    await b.publish('redaction', [{ messageId: 'r1', body: {} }]);
    await b.idle();
    expect(attempts).toEqual([1, 2, 3]);
    expect(b.deadLettered('redaction')).toEqual([]);
  });

  it('keeps FIFO order within a session, one handler per session, sessions in parallel', async () => {
    const b = broker({ maxConcurrentSessions: 3 });
    const order = new Map<string, number[]>();
    const active = new Map<string, number>();
    let maxPerSession = 0;
    let maxSessions = 0;
    b.subscribe('audit', async (m: DeliveredMessage) => {
      const sid = m.metadata.sessionId as string;
      active.set(sid, (active.get(sid) ?? 0) + 1);
      maxPerSession = Math.max(maxPerSession, active.get(sid) ?? 0);
      maxSessions = Math.max(maxSessions, [...active.values()].filter((v) => v > 0).length);
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      // A failure in the middle of a session must not let the next message overtake it.
      if ((m.body as { n: number }).n === 5 && m.metadata.deliveryCount === 1) {
        active.set(sid, (active.get(sid) ?? 1) - 1);
        throw new Error('fail once');
      }
      order.set(sid, [...(order.get(sid) ?? []), (m.body as { n: number }).n]);
      active.set(sid, (active.get(sid) ?? 1) - 1);
    });
    const tenants = ['t1', 't2', 't3', 't4'];
    for (let n = 0; n < 12; n++) {
      await Promise.all(tenants.map((t) => b.publish('audit', [{ messageId: `${t}-${n}`, sessionId: t, body: { n } }])));
    }
    await b.idle();
    for (const t of tenants) expect(order.get(t)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(maxPerSession).toBe(1);
    expect(maxSessions).toBeGreaterThan(1);
    expect(maxSessions).toBeLessThanOrEqual(3);
  });

  it('drops a duplicate messageId within the window, accepts it after the window', async () => {
    const b = broker({ duplicateWindowMs: 30 });
    const got: string[] = [];
    b.subscribe('imports', async (m) => {
      got.push(m.metadata.messageId);
    });
    await b.publish('imports', [{ messageId: 'dup', body: 1 }]);
    await b.publish('imports', [{ messageId: 'dup', body: 2 }]);
    await b.idle();
    expect(got).toEqual(['dup']);
    await new Promise((r) => setTimeout(r, 40));
    await b.publish('imports', [{ messageId: 'dup', body: 3 }]);
    await b.idle();
    expect(got).toEqual(['dup', 'dup']);
  });

  it('holds a scheduled message until its enqueue time', async () => {
    const b = broker();
    const got: number[] = [];
    b.subscribe('imports', async () => {
      got.push(Date.now());
    });
    const at = new Date(Date.now() + 50);
    await b.publish('imports', [{ messageId: 's1', body: {}, scheduledEnqueueTimeUtc: at }]);
    expect(got).toEqual([]);
    expect(b.depth('imports')).toBe(0);
    await b.idle();
    expect(got).toHaveLength(1);
    expect(got[0]).toBeGreaterThanOrEqual(at.getTime() - 5);
  });

  it('enforces session ids on session queues only and copies bodies', async () => {
    const b = broker();
    await expect(b.publish('audit', [{ messageId: 'x', body: {} }])).rejects.toThrow(/sessionId/);
    await expect(b.publish('imports', [{ messageId: 'y', body: {}, sessionId: 's' }])).rejects.toThrow(/not session-enabled/);
    const body = { list: [1] };
    let received: unknown;
    b.subscribe('imports', async (m) => {
      received = m.body;
    });
    await b.publish('imports', [{ messageId: 'z', body, correlationId: 'c-1' }]);
    body.list.push(2);
    await b.idle();
    expect(received).toEqual({ list: [1] });
  });

  it('stops handing out messages after close', async () => {
    const b = broker();
    const got: string[] = [];
    await b.close();
    b.subscribe('imports', async (m) => {
      got.push(m.metadata.messageId);
    });
    await b.publish('imports', [{ messageId: 'late', body: {} }]);
    expect(got).toEqual([]);
  });
});
