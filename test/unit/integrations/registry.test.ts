import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { FORMATS, SOURCE_TYPES, sourceTypeSchema, code, isoDate, count, recordId, type SourceFormat } from '../../../shared/integrations/formats/index.js';
import { department, timeScenario } from '../../../shared/integrations/formats/mapping.js';
import { factId, normalise, type NormaliseContext } from '../../../shared/integrations/normalise.js';
import { parseBatch } from '../../../shared/integrations/parse.js';
import { BlindIndex, FieldCipher } from '../../../shared/platform/crypto/field-cipher.js';
import { startTestStore, testKeyRing, type TestStore } from '../../support/store.js';

let t: TestStore;
let ports: { cipher: FieldCipher; blindIndex: BlindIndex };

beforeAll(async () => {
  t = await startTestStore();
  const { keys } = testKeyRing(t.store);
  ports = { cipher: new FieldCipher(keys), blindIndex: new BlindIndex(keys) };
});
afterAll(async () => {
  await t.close();
});

describe('the format registry', () => {
  it('has one format per source type, registered under its own type, in the order the API lists them', () => {
    expect(Object.keys(FORMATS)).toEqual([...SOURCE_TYPES]);
    expect(sourceTypeSchema.options).toEqual([...SOURCE_TYPES]);
    expect(SOURCE_TYPES).toEqual(['pos', 'frs', 'trs', 'tms', 'schedules', 'pms', 'rms', 'snc', 'ams', 'utility']);
    for (const type of SOURCE_TYPES) {
      expect(FORMATS[type].type).toBe(type);
      expect(typeof FORMATS[type].toFact).toBe('function');
    }
  });
});

/** A format no production code knows: door counters per outlet, counted as covers. */
const footfallRecord = z.strictObject({ id: recordId, date: isoDate, outlet: code, visitors: count, deleted: z.literal(false).optional() });
type FootfallRecord = z.infer<typeof footfallRecord>;
const footfall: SourceFormat<FootfallRecord, 'footfall'> = {
  type: 'footfall',
  title: 'Footfall',
  description: 'Visitors counted at the door of an outlet per day.',
  record: footfallRecord,
  csv: { numbers: ['visitors'] },
  example: { json: { records: [] }, csv: 'id,date,outlet,visitors\n' },
  toFact: (r, ctx) => ({ date: r.date, scenario: timeScenario(ctx, r.date), contributions: [{ departmentId: department(ctx, r.outlet, 'outlet'), measures: { covers: r.visitors } }] }),
};

describe('a format registered in one line', () => {
  const registry = { ...FORMATS, footfall };
  const ctx: NormaliseContext = {
    tenantId: 'tenant-f',
    propertyId: 'prop-1',
    integrationId: 'int-1',
    importId: 'imp-1',
    mappings: { departments: { LOBBY: 'dep-lobby' }, accounts: {} },
    receivedDate: '2026-03-15',
    now: '2026-03-15T08:00:00.000Z',
  };

  it('flows through parsing and the generic driver into facts of its own source type', async () => {
    const format = registry.footfall;
    const body = 'id,date,outlet,visitors,deleted\nV1,2026-03-14,LOBBY,120,\nV2,2026-03-14,GARDEN,8,\nV3,2026-03-16,LOBBY,40,\nV1,2026-03-14,LOBBY,125,\nV0,,,,true\n';
    const parsed = parseBatch(format, 'csv', Buffer.from(body));
    expect(parsed.errors).toEqual([]);
    const batch = await normalise(format, ctx, parsed.records, ports);

    expect(batch.errors).toEqual([{ row: 3, recordId: 'V2', field: 'outlet', message: "unknown code 'GARDEN': map it to a department in the integration" }]);
    // V1 twice (the later one wins), V3, and the deletion of V0.
    expect(batch.accepted).toBe(4);
    expect(batch.deletions).toEqual([factId('tenant-f', 'prop-1', 'footfall', 'V0')]);
    const byRecord = new Map(batch.upserts.map((f) => [f.sourceRecordId, f]));
    expect([...byRecord.keys()].sort()).toEqual(['V1', 'V3']);
    expect(byRecord.get('V1')).toMatchObject({
      id: factId('tenant-f', 'prop-1', 'footfall', 'V1'),
      tenantId: 'tenant-f',
      type: 'fact',
      sourceType: 'footfall',
      propertyId: 'prop-1',
      integrationId: 'int-1',
      importId: 'imp-1',
      date: '2026-03-14',
      scenario: 'actual',
      contributions: [{ departmentId: 'dep-lobby', measures: { covers: 125 } }],
    });
    expect(byRecord.get('V3')).toMatchObject({ scenario: 'onTheBooks', contributions: [{ departmentId: 'dep-lobby', measures: { covers: 40 } }] });
    // The digest is keyed and covers the content: a changed count changes it, a re-send doesn't.
    const again = await normalise(format, ctx, parseBatch(format, 'csv', Buffer.from(body)).records, ports);
    expect(again.upserts.map((f) => f.digest)).toEqual(batch.upserts.map((f) => f.digest));
    expect(byRecord.get('V1')?.digest).not.toBe(byRecord.get('V3')?.digest);
  });
});
