import { describe, expect, it } from '@jest/globals';
import { createRequire } from 'node:module';

/*
 * The embedded server's query engine with the linear FROM step (embedded-cosmos-query.cjs) answers
 * every query exactly as the package compiled it: same items, same order, same pages.
 */

const require = createRequire(import.meta.url);
type Exec = (docs: unknown[], options: { parameters?: Array<{ name: string; value: unknown }>; maxItemCount?: number; continuation?: { token: string } }) => { result: unknown[]; continuation: { token: string } | null };
type Query = { code: string; exec: Exec };
const cosmosQuery = (require('@zeit/cosmosdb-query') as { default: (q: string) => Query }).default;
const helpers = require('@zeit/cosmosdb-query/lib/helpers') as { stripUndefined: (v: unknown) => unknown };
const packaged = helpers.stripUndefined;
const { linearFrom, stripUndefined, useLinearScans } = require('../../../shared/platform/local/embedded-cosmos-query.cjs') as {
  linearFrom: (code: string) => string;
  stripUndefined: (v: unknown) => unknown;
  useLinearScans: () => void;
};

const docs = Array.from({ length: 300 }, (_, i) => ({
  _rid: `rid${String(i).padStart(5, '0')}`,
  id: `item-${i}`,
  tenantId: i % 3 === 0 ? 'other' : 'mine',
  type: i % 2 ? 'monthlyRollup' : 'dailyAggregate',
  propertyId: `p${i % 7}`,
  month: `2025-${String(1 + (i % 12)).padStart(2, '0')}`,
  scenario: ['actual', 'budget', 'forecast'][i % 3],
  tags: i % 5 === 0 ? [{ name: 'x' }, { name: 'y' }] : [],
  amount: i % 4 === 0 ? undefined : i,
}));

const QUERIES: Array<[string, Array<{ name: string; value: unknown }>]> = [
  ["SELECT * FROM c WHERE c.tenantId = @t AND (c.type = 'monthlyRollup' AND ARRAY_CONTAINS(@ps, c.propertyId))", [{ name: '@t', value: 'mine' }, { name: '@ps', value: ['p1', 'p3'] }]],
  ['SELECT c.id, c.month, c.amount FROM c WHERE c.tenantId = @t ORDER BY c.month DESC', [{ name: '@t', value: 'mine' }]],
  ['SELECT VALUE COUNT(1) FROM c WHERE c.scenario = @s', [{ name: '@s', value: 'budget' }]],
  ['SELECT c.id, t.name FROM c JOIN t IN c.tags WHERE c.tenantId = @t', [{ name: '@t', value: 'mine' }]],
  ['SELECT * FROM root r WHERE r.propertyId = @p', [{ name: '@p', value: 'p2' }]],
];

/** Every page of a query, following continuations. */
function pages(q: Query, parameters: Array<{ name: string; value: unknown }>, maxItemCount: number): unknown[][] {
  const out: unknown[][] = [];
  let continuation: { token: string } | undefined;
  do {
    const r = q.exec(docs, { parameters, maxItemCount, ...(continuation ? { continuation } : {}) });
    out.push(r.result);
    continuation = r.continuation ?? undefined;
  } while (continuation && out.length < 1000);
  return out;
}

describe('embedded store query engine with linear scans', () => {
  it('rewrites the quadratic FROM step of a compiled query, and only that', () => {
    const code = cosmosQuery('SELECT * FROM c WHERE c.id = @id').code;
    expect(code).toContain('[...$, {');
    const fixed = linearFrom(code);
    expect(fixed).not.toContain('[...$, {');
    expect(fixed).toContain('$c.filter((c) => typeof c !== "undefined").map((c) => ({ c: c }))');
    expect(linearFrom(fixed)).toBe(fixed);
  });

  it('copies values without undefined exactly as the package does', () => {
    for (const value of [
      { a: 1, b: undefined, c: [1, undefined, { d: undefined, e: null }, [undefined, 'x']], f: { g: { h: undefined, i: 0 } } },
      [undefined, 1, { a: undefined }],
      'text',
      null,
      undefined,
      0,
      docs,
    ]) {
      expect(stripUndefined(value)).toStrictEqual(packaged(value));
    }
  });

  it('answers every query with the same items, order and pages as the package compiles it', () => {
    const before = QUERIES.map(([q, p]) => [pages(cosmosQuery(q), p, 25), pages(cosmosQuery(q), p, -1)]);
    useLinearScans();
    useLinearScans();
    expect(helpers.stripUndefined).toBe(stripUndefined);
    expect(cosmosQuery(QUERIES[0]![0]).code).not.toContain('[...$, {');
    const after = QUERIES.map(([q, p]) => [pages(cosmosQuery(q), p, 25), pages(cosmosQuery(q), p, -1)]);
    expect(after).toEqual(before);
    // The control: the queries do return items (and several pages).
    expect((before[0]![0] as unknown[][]).length).toBeGreaterThan(1);
    expect((before[3]![1] as unknown[][])[0]!.length).toBeGreaterThan(0);
  });
});
