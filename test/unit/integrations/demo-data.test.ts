import { describe, expect, it } from '@jest/globals';
import { demoAccounts, demoBatches } from '../../../shared/integrations/demo-data.js';
import { FORMATS } from '../../../shared/integrations/formats/index.js';
import { parseBatch } from '../../../shared/integrations/parse.js';

const departments = [
  { code: 'ROOMS', usaliDepartment: 'rooms' },
  { code: 'HK', usaliDepartment: 'rooms' },
  { code: 'FB', usaliDepartment: 'fnb' },
  { code: 'AG', usaliDepartment: 'admin_general' },
];

describe('demo data generator', () => {
  const batches = demoBatches({ key: 'unit', roomsAvailable: 120, departments }, { today: '2026-03-10', historyDays: 40, aheadDays: 20 });

  it('is deterministic for a key and day', () => {
    expect(demoBatches({ key: 'unit', roomsAvailable: 120, departments }, { today: '2026-03-10', historyDays: 40, aheadDays: 20 })).toEqual(batches);
  });

  it('covers every source type with records valid against the canonical schemas', () => {
    expect(new Set(batches.map((b) => b.sourceType))).toEqual(new Set(['pos', 'frs', 'tms', 'pms', 'rms', 'snc', 'ams']));
    for (const b of batches) {
      const parsed = parseBatch(FORMATS[b.sourceType], 'json', Buffer.from(JSON.stringify({ records: b.records })));
      expect(parsed.errors).toEqual([]);
      expect(parsed.records).toHaveLength(b.records.length);
    }
  });

  it('books AMS lines only on mapped accounts, and keeps rooms sold within rooms available', () => {
    const accounts = demoAccounts(departments);
    for (const r of batches.filter((b) => b.sourceType === 'ams').flatMap((b) => b.records)) expect(accounts[r.account as string]).toBeDefined();
    for (const r of batches.filter((b) => b.sourceType === 'pms').flatMap((b) => b.records)) expect(r.roomsSold as number).toBeLessThanOrEqual(120);
  });
});
