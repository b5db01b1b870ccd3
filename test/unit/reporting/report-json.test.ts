import { describe, expect, it } from '@jest/globals';
import { reportJsonChunks } from '../../../shared/reporting/report-json.js';

describe('reportJsonChunks', () => {
  const report = {
    report: 'revenue-productivity',
    from: '2026-01-01',
    properties: [
      { propertyId: 'a', name: 'A "quoted" \u0000 name', periods: Array.from({ length: 40 }, (_, i) => ({ key: `d${i}`, total: { revenue: i * 1.5, note: null } })), total: { key: 'total' } },
      { propertyId: 'b', name: 'B', periods: [], total: { key: 'total' } },
    ],
    meta: { storeReads: 3 },
  };

  it('produces exactly JSON.stringify of the report, in chunks of about the chunk size', () => {
    const chunks = [...reportJsonChunks(report, 256)];
    expect(chunks.join('')).toBe(JSON.stringify(report));
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(256);
  });

  it('a report without properties is one chunk', () => {
    const empty = { ...report, properties: [] };
    expect([...reportJsonChunks(empty)]).toEqual([JSON.stringify(empty)]);
  });

  it('a body cut short is not valid JSON', () => {
    const whole = [...reportJsonChunks(report, 256)];
    expect(() => JSON.parse(whole.slice(0, -1).join(''))).toThrow();
  });
});
