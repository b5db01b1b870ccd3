import { describe, expect, it } from '@jest/globals';
import { templateCsv, templateRows, templateXlsx } from '../../../shared/planning/templates.js';
import { readUpload } from '../../../shared/planning/upload.js';
import { refusal, TRANSITIONS, ACTIONS } from '../../../shared/planning/workflow.js';
import { coveredMonths, planFactIdsByMonth, planFacts } from '../../../shared/planning/materialise.js';
import { VERSION_STATUSES, type PlanRow } from '../../../shared/planning/model.js';
import type { SpreadWeightSource } from '../../../shared/planning/spreading.js';
import { daysOfMonth } from '../../../shared/reporting/spread.js';

const DEPARTMENTS = [
  { id: 'dep-rooms', code: 'ROOMS', name: 'Rooms' },
  { id: 'dep-fb', code: 'FB', name: 'Food, Beverage' },
];

/** Rows as a version holds them: every template row, March filled with a distinct figure, 0 kept as a figure. */
function figures(): PlanRow[] {
  return templateRows('budget', DEPARTMENTS).map((r, i) => ({ departmentId: r.department?.id ?? null, line: r.line, months: Array.from({ length: 12 }, (_, m) => (m === 2 ? i * 10.25 : m === 5 ? 0 : null)) }));
}

describe('planning templates', () => {
  it('round-trips a filled template through CSV and XLSX into the same rows', async () => {
    const rows = figures();
    const csv = await readUpload(Buffer.from(templateCsv('budget', 2027, DEPARTMENTS, rows)), 'csv', 'budget', 2027, DEPARTMENTS);
    expect(csv.issues).toEqual([]);
    expect(csv.rows).toEqual(rows);
    const xlsx = await readUpload(await templateXlsx('budget', 2027, DEPARTMENTS, rows), 'xlsx', 'budget', 2027, DEPARTMENTS);
    expect(xlsx.issues).toEqual([]);
    expect(xlsx.rows).toEqual(rows);
  });

  it('lists departments by code, each with the departmental lines and statistics, then the property lines', () => {
    const rows = templateRows('budget', DEPARTMENTS).map((r) => `${r.department?.code ?? '-'}:${r.line}`);
    expect(rows.slice(0, 6)).toEqual(['FB:revenue', 'FB:costOfSales', 'FB:payrollAndRelated', 'FB:otherExpenses', 'FB:covers', 'FB:productiveHours']);
    expect(rows.at(-1)).toBe('-:roomsSold');
    expect(templateRows('targets', DEPARTMENTS).every((r) => r.department !== null)).toBe(true);
  });
});

describe('upload validation report', () => {
  const header = 'Department,Department name,Line,' + Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}`).join(',');
  const read = (lines: string[]) => readUpload(Buffer.from([header, ...lines].join('\n') + '\n'), 'csv', 'budget', 2027, DEPARTMENTS);

  it('names the row and column of each problem', async () => {
    const r = await read([
      'FB,,revenue,100,abc,,,,,,,,,,',
      'SPA,,revenue,1,,,,,,,,,,,',
      'FB,,turnover,1,,,,,,,,,,,',
      'FB,,revenue,2,,,,,,,,,,,',
      ',,revenue,1,,,,,,,,,,,',
      'PROPERTY,,revenue,1,,,,,,,,,,,',
      'ROOMS,,covers,1e13,,,,,,,,,,,',
    ]);
    expect(r.issues).toEqual([
      { row: 2, column: '2027-02', message: "'abc' is not a number" },
      { row: 3, column: 'Department', message: "'SPA' is not a department of this property (ROOMS, FB, PROPERTY)" },
      { row: 4, column: 'Line', message: "'turnover' is not a department line of a budget version" },
      { row: 5, column: 'Line', message: 'FB revenue is given twice (first on row 2)' },
      { row: 6, column: 'Department', message: 'required: a department code or PROPERTY' },
      { row: 7, column: 'Line', message: "'revenue' is not a property line of a budget version" },
      { row: 8, column: '2027-01', message: "'1e13' is not a number" },
    ]);
  });

  it('refuses a file without the month columns, and one without any figure', async () => {
    const missing = await readUpload(Buffer.from('Department,Line,2027-01\nFB,revenue,1\n'), 'csv', 'budget', 2027, DEPARTMENTS);
    expect(missing.issues).toEqual([{ row: 0, message: expect.stringContaining('missing column(s) 2027-02') }]);
    const empty = await read(['FB,,revenue,,,,,,,,,,,,']);
    expect(empty.issues).toEqual([{ row: 0, message: 'the file holds no figures' }]);
    // Another year's template is not this year's: its months are missing.
    const other = await readUpload(Buffer.from(templateCsv('budget', 2026, DEPARTMENTS)), 'csv', 'budget', 2027, DEPARTMENTS);
    expect(other.issues[0]?.message).toContain('missing column(s) 2027-01');
  });
});

describe('workflow transitions', () => {
  const me = { userId: 'u1' };
  const strict = { selfApproval: false };

  it('allows exactly the transitions of the table, from every status', () => {
    const allowed: string[] = [];
    for (const status of VERSION_STATUSES) {
      for (const action of ACTIONS) {
        if (!refusal(action, { status, submittedBy: 'u2' }, me, strict, 'because')) allowed.push(`${status}-${action}->${TRANSITIONS[action].to}`);
      }
    }
    expect(allowed.sort()).toEqual(['approved-lock->locked', 'draft-submit->submitted', 'submitted-approve->approved', 'submitted-reject->rejected']);
  });

  it('keeps four eyes unless the policy allows self-approval, and wants a comment to reject', () => {
    expect(refusal('approve', { status: 'submitted', submittedBy: 'u1' }, me, strict, undefined)?.status).toBe(403);
    expect(refusal('reject', { status: 'submitted', submittedBy: 'u1' }, me, strict, 'no')?.status).toBe(403);
    expect(refusal('approve', { status: 'submitted', submittedBy: 'u1' }, me, { selfApproval: true }, undefined)).toBeUndefined();
    expect(refusal('reject', { status: 'submitted', submittedBy: 'u2' }, me, strict, '  ')).toMatchObject({ status: 400, field: 'body.comment' });
    expect(refusal('approve', { status: 'draft' }, me, strict, undefined)?.status).toBe(409);
    expect(TRANSITIONS.submit.permission).toBe('planning.submit');
    expect([TRANSITIONS.approve, TRANSITIONS.reject, TRANSITIONS.lock].map((t) => t.permission)).toEqual(['planning.approve', 'planning.approve', 'planning.approve']);
  });
});

describe('approved versions as facts', () => {
  const version = (rows: PlanRow[]) => ({ id: 'pv_p1_2027_budget_1', tenantId: 't1', propertyId: 'p1', year: 2027, kind: 'budget' as const, spread: 'roomsAvailable' as const, rows });
  const month = (m: number, v: number) => Array.from({ length: 12 }, (_, i) => (i === m ? v : null));
  /** Days weighted 1, 2, 1, 2, …: an uneven split. */
  const weights: SpreadWeightSource = { weights: async (t) => daysOfMonth(t.period).map((_, i) => (i % 2 === 0 ? 1 : 2)) };

  it('spreads money to the cent and whole-unit statistics in whole units, the sum exact', async () => {
    const facts = await planFacts(version([{ departmentId: 'fb', line: 'revenue', months: month(1, 1000) }, { departmentId: null, line: 'roomsSold', months: month(1, 100) }]), weights, '2027-01-01T00:00:00Z');
    const fb = facts.filter((f) => f.contributions[0]?.departmentId === 'fb').map((f) => f.contributions[0]?.measures['usali.revenue'] as number);
    const sold = facts.filter((f) => f.contributions[0]?.departmentId === null).map((f) => f.contributions[0]?.measures.roomsSold as number);
    expect(fb).toHaveLength(28);
    // 1000 over 42 weight units: 23.80 or 47.61 a day, the remainder cents placed deterministically.
    expect(Math.round(fb.reduce((a, b) => a + b, 0) * 100)).toBe(100000);
    expect(fb.every((v) => Math.round(v * 100) === v * 100)).toBe(true);
    expect(sold.reduce((a, b) => a + b, 0)).toBe(100);
    expect(sold.every(Number.isInteger)).toBe(true);
    expect(new Set(facts.map((f) => f.scenario))).toEqual(new Set(['budget']));
  });

  it('occupies the property level on every day of a planned month, and the ids a superseding version must remove', async () => {
    const rows = [{ departmentId: 'fb', line: 'revenue', months: month(3, 300) }];
    const facts = await planFacts(version(rows), weights, 'now');
    expect(coveredMonths(rows)).toEqual([3]);
    expect(facts.filter((f) => f.contributions[0]?.departmentId === null)).toHaveLength(30);
    expect(new Set(facts.map((f) => f.id))).toEqual(new Set([...planFactIdsByMonth(version(rows)).values()].flatMap((ids) => [...ids])));
    expect(await planFacts({ ...version(rows), kind: 'targets' }, weights, 'now')).toEqual([]);
  });

  it('asks a batch-capable weight source once for every figure of the version', async () => {
    const asked: number[] = [];
    const batch = {
      weights: async (): Promise<number[]> => {
        throw new Error('one figure at a time');
      },
      weightsOfMany: async (requests: ReadonlyArray<{ target: { period: string; measure: string } }>) => {
        asked.push(requests.length);
        return requests.map((r) => daysOfMonth(r.target.period).map(() => 1));
      },
    };
    const rows = [
      { departmentId: 'fb', line: 'revenue', months: month(0, 310) },
      { departmentId: null, line: 'utilities', months: Array.from({ length: 12 }, () => 31) },
    ];
    const facts = await planFacts(version(rows), batch, 'now');
    expect(asked).toEqual([13]);
    expect(facts.find((f) => f.date === '2027-01-05' && f.contributions[0]?.departmentId === 'fb')?.contributions[0]?.measures).toEqual({ 'usali.revenue': 10 });
  });
});
