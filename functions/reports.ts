import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { HttpRequest } from '@azure/functions';
import { requires, type Reply } from '../shared/http/route.js';
import { isIsoDate } from '../shared/reporting/periods.js';
import { revenueProductivityCsv } from '../shared/reporting/revenue-productivity.js';
import { profitLossCsv } from '../shared/reporting/profit-loss.js';
import { reportJsonChunks } from '../shared/reporting/report-json.js';
import { portfolioCsv } from '../shared/reporting/portfolio.js';
import { pnlPortfolioCsv } from '../shared/reporting/pnl-portfolio.js';
import type { Comparison } from '../shared/reporting/model.js';
import type { App } from '../shared/app.js';
import type { Principal } from '../shared/access/principal.js';
import { holds } from '../shared/access/authorize.js';
import { sustainabilityDigestSchema } from './sustainability.js';
import { route, timerFunction } from './triggers.js';

const isoDate = z.string().refine(isIsoDate, 'must be a calendar date YYYY-MM-DD');
const propertyParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/)
  .describe('A property id, or `all` for every property your permission covers');
const compareParam = z
  .string()
  .max(64)
  .optional()
  .describe('Comma-separated comparisons: budget, forecast, lastYear (default all three; empty for none)')
  .transform((s, ctx): Comparison[] => {
    if (s === undefined) return ['budget', 'forecast', 'lastYear'];
    const parts = [...new Set(s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))];
    const bad = parts.filter((p) => p !== 'budget' && p !== 'forecast' && p !== 'lastYear');
    if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unknown comparison ${bad.join(', ')}` });
    return (['budget', 'forecast', 'lastYear'] as const).filter((c) => parts.includes(c));
  });

const readParam = z
  .enum(['auto', 'days'])
  .default('auto')
  .describe('auto: month, quarter and year read the monthly rollups, day and week the daily aggregates; days: always the daily aggregates (same figures, more items read)');

const rpQuery = z.strictObject({
  propertyId: propertyParam,
  from: isoDate,
  to: isoDate,
  granularity: z.enum(['day', 'week', 'month', 'quarter', 'year']).default('day'),
  departmentId: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional()
    .transform((s) => (s ? s : undefined))
    .describe('Only this department (the property total stays); empty: all departments'),
  compare: compareParam,
  lastYearAlignment: z.enum(['calendar', 'weekday']).default('calendar').describe('weekday: 364 days back, same weekday'),
  read: readParam,
});

const pnlQuery = z.strictObject({
  propertyId: propertyParam,
  from: isoDate,
  to: isoDate,
  granularity: z.enum(['month', 'quarter', 'year']).default('month'),
  compare: compareParam,
  read: readParam,
});

const digestQuery = z.strictObject({ propertyId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/), date: isoDate });

const n = z.number().nullable();
const figures = z
  .object({
    revenue: z.number(),
    roomsSold: n.describe("The property's rooms sold: on the property row, and on a department row only when it is the department's driver"),
    covers: z.number(),
    guests: n.describe("The property's guests: on the property row, and on a department row only when it is the department's driver"),
    reservations: n.describe('FRS/TRS reservations held for the dates (F&B departments and the property row, actual and last year; null otherwise)'),
    coversBooked: n.describe('Covers of the reservations held'),
    cancellations: n.describe('Reservations cancelled'),
    noShows: n.describe('Reservations whose guests did not come'),
    productiveHours: z.number(),
    nonProductiveHours: z.number(),
    paidHours: z.number(),
    labourCost: z.number().optional().describe('Only with payroll.read'),
    output: n.describe("Driver volume of a department; revenue for the property total"),
    productivityTotal: n,
    productivityOperational: n,
    revPOLU: n,
    revenuePerLabourHour: n,
    labourCostPct: n.optional().describe('Only with payroll.read'),
    hpor: n,
    mpor: n,
    coversPerLabourHour: n,
    earnedHours: n,
    productivityIndex: n,
    hoursVariance: n,
    dataDays: z.number().int(),
  })
  .describe('Money in the property currency, hours in hours; a ratio over zero is null');
const variance = z.record(z.string(), n).describe('actual − comparison per figure');
const rpRow = z.object({
  departmentId: z.string().nullable(),
  code: z.string().nullable(),
  name: z.string(),
  usaliDepartment: z.string().nullable(),
  driver: z.string().nullable(),
  standardHoursPerUnit: n,
  actual: figures,
  budget: figures.optional(),
  forecast: figures.optional(),
  lastYear: figures.optional(),
  variance: z.object({ budget: variance.optional(), forecast: variance.optional(), lastYear: variance.optional() }),
  target: z.record(z.string(), z.number()).optional().describe('Department rows: the approved planning targets (productivityTotal, labourCostPct, hpor, …) over the period, day-weighted over its months'),
});
const rpPeriod = z.object({ key: z.string(), from: z.string(), to: z.string(), days: z.number().int(), departments: z.array(rpRow), total: rpRow });
const meta = z.object({
  storeReads: z.number().int().describe('Store round trips (query pages and point reads) behind the report'),
  aggregateItems: z.number().int().describe('Items read: daily aggregates, or monthly rollups (aggregatesFrom)'),
  aggregatesFrom: z.enum(['dailyAggregates', 'monthlyRollups']),
  labourCostUnavailable: z.number().int(),
  ignoredItems: z.number().int(),
  lockedPeriods: z.record(z.string(), z.array(z.string())).describe('Per property with any: the locked months (YYYY-MM) of the range; their figures change only by approved adjustments'),
  plans: z
    .record(z.string(), z.record(z.enum(['budget', 'forecast', 'targets', 'actuals']), z.array(z.object({ versionId: z.string(), number: z.number().int(), year: z.number().int(), approvedAt: z.string() }))))
    .describe('Per property: the approved planning versions in force for the years of the range, by kind (empty: no approved version; the figures come from the sources alone)'),
});
const range = z.object({ from: z.string(), to: z.string() }).nullable();
const rpSchema = z.object({
  report: z.literal('revenue-productivity'),
  from: z.string(),
  to: z.string(),
  granularity: z.enum(['day', 'week', 'month', 'quarter', 'year']),
  compare: z.array(z.enum(['budget', 'forecast', 'lastYear'])),
  lastYearAlignment: z.enum(['calendar', 'weekday']),
  lastYearRange: range,
  payrollVisible: z.boolean(),
  properties: z.array(z.object({ propertyId: z.string(), name: z.string(), currency: z.string(), timezone: z.string(), periods: z.array(rpPeriod), total: rpPeriod })),
  meta,
});

const groupParam = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_:-]+$/)
  .describe('A property group id (GET /property-groups), or `all` for every property of the tenant');
const coverage = z
  .object({
    propertyIds: z.array(z.string()),
    propertyCount: z.number().int(),
    excludedForScope: z.object({ propertyIds: z.array(z.string()), propertyCount: z.number().int() }),
  })
  .describe("The group's properties your report permission covers (rows and totals), and those left out for scope");
const portfolioQuery = z.strictObject({
  groupId: groupParam,
  from: isoDate,
  to: isoDate,
  granularity: z.enum(['day', 'week', 'month']).default('month'),
  compare: compareParam,
  lastYearAlignment: z.enum(['calendar', 'weekday']).default('calendar').describe('weekday: 364 days back, same weekday'),
});
/** What both portfolio reports answer besides their rows and totals. */
const portfolioHead = {
  group: z.object({ id: z.string(), kind: z.string(), name: z.string() }).nullable().describe('null for groupId=all'),
  from: z.string(),
  to: z.string(),
  compare: z.array(z.enum(['budget', 'forecast', 'lastYear'])),
  lastYearRange: range,
  payrollVisible: z.boolean(),
};
const portfolioPeriod = rpPeriod.omit({ departments: true });
const portfolioSchema = z.object({
  report: z.literal('revenue-productivity-portfolio'),
  ...portfolioHead,
  granularity: z.enum(['day', 'week', 'month']),
  lastYearAlignment: z.enum(['calendar', 'weekday']),
  coverage: coverage.describe("The group's properties your reports.rp.read covers (rows and totals), and those left out for scope"),
  properties: z
    .array(z.object({ propertyId: z.string(), name: z.string(), currency: z.string(), timezone: z.string(), periods: z.array(portfolioPeriod), total: portfolioPeriod }))
    .describe('One row per covered property: the property total of the single-property report'),
  totals: z
    .array(z.object({ currency: z.string(), propertyIds: z.array(z.string()), propertyCount: z.number().int(), periods: z.array(portfolioPeriod), total: portfolioPeriod }))
    .describe('One total per currency (money is never added across currencies); ratios from the summed figures'),
  meta,
});

const lineVariance = z.object({ amount: n, pct: n });
const pnlLine = z.object({
  key: z.string(),
  label: z.string(),
  section: z.string(),
  unit: z.enum(['money', 'rooms', 'percent']),
  actual: n,
  budget: n.optional(),
  forecast: n.optional(),
  lastYear: n.optional(),
  variance: z.object({ budget: lineVariance.optional(), forecast: lineVariance.optional(), lastYear: lineVariance.optional() }),
});
const pnlPeriod = z.object({ key: z.string(), from: z.string(), to: z.string(), days: z.number().int(), lines: z.array(pnlLine) });
const pnlSchema = z.object({
  report: z.literal('profit-loss'),
  from: z.string(),
  to: z.string(),
  granularity: z.enum(['month', 'quarter', 'year']),
  compare: z.array(z.enum(['budget', 'forecast', 'lastYear'])),
  lastYearRange: range,
  payrollVisible: z.boolean(),
  properties: z.array(z.object({ propertyId: z.string(), name: z.string(), currency: z.string(), periods: z.array(pnlPeriod), total: pnlPeriod })),
  meta,
});

const pnlPortfolioQuery = z.strictObject({
  groupId: groupParam,
  from: isoDate,
  to: isoDate,
  granularity: z.enum(['month', 'quarter', 'year']).default('month'),
  compare: compareParam,
});
const pnlPortfolioSchema = z.object({
  report: z.literal('profit-loss-portfolio'),
  ...portfolioHead,
  granularity: z.enum(['month', 'quarter', 'year']),
  coverage: coverage.describe("The group's properties your reports.pnl.read covers (rows and totals), and those left out for scope"),
  properties: z
    .array(z.object({ propertyId: z.string(), name: z.string(), currency: z.string(), periods: z.array(pnlPeriod), total: pnlPeriod }))
    .describe('One statement per covered property, as the single-property P&L gives it'),
  totals: z
    .array(z.object({ currency: z.string(), propertyIds: z.array(z.string()), propertyCount: z.number().int(), periods: z.array(pnlPeriod), total: pnlPeriod }))
    .describe('One statement per currency (money is never added across currencies): lines summed over the properties that have them, ratio lines from the summed lines'),
  meta,
});

const bookings = { reservations: z.number().int(), coversBooked: z.number().int(), cancellations: z.number().int(), noShows: z.number().int() };
const digestSchema = z.object({
  id: z.string(),
  propertyId: z.string(),
  date: z.string(),
  currency: z.string(),
  closedAt: z.string(),
  recomputed: z.boolean().nullable(),
  total: rpRow,
  departments: z.array(rpRow),
  overHours: z.array(z.object({ departmentId: z.string(), code: z.string(), name: z.string(), productiveHours: z.number(), earnedHours: z.number(), overBy: z.number() })),
  lateSources: z.array(z.string()),
  lateConnectors: z
    .array(z.object({ integrationId: z.string(), name: z.string(), connector: z.string() }))
    .optional()
    .describe('Connector integrations "Not updated" at close: past their expected arrival time without the data'),
  bookings: z
    .array(
      z.object({
        date: z.string(),
        departments: z.array(z.object({ departmentId: z.string(), code: z.string(), name: z.string(), ...bookings })),
        total: z.object(bookings),
      }),
    )
    .optional()
    .describe('F&B and table reservations known at close for the two days after the closed day (today and tomorrow for the morning reader)'),
  payrollVisible: z.boolean(),
  sustainability: sustainabilityDigestSchema.optional().describe("GoGreen: month-end projections against targets and energy/water anomalies (with sustainability.read over the property)"),
});

const CACHE = 'private, max-age=60';

function wantsCsv(req: HttpRequest): boolean {
  return /\btext\/csv\b/i.test(req.headers.get('accept') ?? '');
}

/**
 * A strong ETag from the body bytes, answered 304 when the client already has them. A body given as
 * chunks (a long report) is hashed chunk by chunk and then streamed, produced a second time: the
 * ETag is the same as of the whole string, which never exists.
 */
function cached(req: HttpRequest, body: string | (() => Iterable<string>), contentType: string, storeReads?: number): Reply {
  const hash = createHash('sha256');
  if (typeof body === 'string') hash.update(body);
  else for (const chunk of body()) hash.update(chunk);
  const etag = `"${hash.digest('base64url').slice(0, 32)}"`;
  const headers: Record<string, string> = { 'Cache-Control': CACHE, Vary: 'Accept, Authorization' };
  if (storeReads !== undefined) headers['x-store-reads'] = String(storeReads);
  const inm = req.headers.get('if-none-match');
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) return { status: 304, etag, headers };
  if (typeof body === 'string') return { raw: body, contentType, etag, headers };
  const chunks = body();
  return { stream: (async function* () { yield* chunks; })(), contentType, etag, headers };
}

/**
 * Audits that `report` was viewed, then answers it as CSV (Accept: text/csv) or JSON, cacheable by
 * ETag, with the store round trips it took.
 */
async function reportReply<R extends { payrollVisible: boolean; meta: { storeReads: number } }>(
  ctx: { app: App; principal: Principal; req: HttpRequest; correlationId: string; query: { propertyId: string; from: string; to: string; granularity: string } },
  name: string,
  report: R,
  toCsv: (report: R) => string,
  json?: () => Iterable<string>,
): Promise<Reply> {
  const { app, principal, req, correlationId, query } = ctx;
  const csv = wantsCsv(req);
  await app.reporting.viewed(
    principal,
    name,
    { propertyId: query.propertyId, from: query.from, to: query.to, granularity: query.granularity, format: csv ? 'csv' : 'json', payrollVisible: report.payrollVisible },
    correlationId,
  );
  return csv ? cached(req, toCsv(report), 'text/csv; charset=utf-8', report.meta.storeReads) : cached(req, json ?? JSON.stringify(report), 'application/json; charset=utf-8', report.meta.storeReads);
}

/** reportReply for a portfolio report: audited with its group and the number of properties it covers. */
async function portfolioReply<R extends { payrollVisible: boolean; coverage: { propertyCount: number }; meta: { storeReads: number } }>(
  ctx: { app: App; principal: Principal; req: HttpRequest; correlationId: string; query: { groupId: string; from: string; to: string; granularity: string } },
  name: string,
  report: R,
  toCsv: (report: R) => string,
): Promise<Reply> {
  const { app, principal, req, correlationId, query } = ctx;
  const csv = wantsCsv(req);
  await app.reporting.viewed(
    principal,
    name,
    { groupId: query.groupId, from: query.from, to: query.to, granularity: query.granularity, format: csv ? 'csv' : 'json', payrollVisible: report.payrollVisible, properties: report.coverage.propertyCount },
    correlationId,
  );
  return csv ? cached(req, toCsv(report), 'text/csv; charset=utf-8', report.meta.storeReads) : cached(req, JSON.stringify(report), 'application/json; charset=utf-8', report.meta.storeReads);
}

const errors = {
  400: { description: 'Invalid parameters (bad date, range too long, unknown comparison)' },
  401: { description: 'Not authenticated' },
  403: { description: 'Missing permission, or the property is outside your scope' },
  404: { description: 'No such property (or department) in your tenant' },
};
const portfolioResponses = {
  304: { description: 'Not modified (If-None-Match)' },
  ...errors,
  403: { description: "Missing permission, or none of the group's properties is in your scope" },
  404: { description: 'No such property group in your tenant' },
};

export default [
  route({
    name: 'reportRevenueProductivity',
    method: 'GET',
    route: 'v1/reports/revenue-productivity',
    access: requires('reports.rp.read'),
    summary: 'Revenue & Productivity: revenue, volumes, hours and labour KPIs per department and property, against budget, forecast and last year',
    tags: ['reports'],
    query: rpQuery,
    responses: {
      200: {
        description:
          'The report (JSON, or CSV with Accept: text/csv); labour cost only with payroll.read. At granularity day the JSON is streamed (chunked, about 64 KiB a chunk, one period after another; the ETag is still that of the whole body): a body cut short is not valid JSON',
        schema: rpSchema,
      },
      304: { description: 'Not modified (If-None-Match)' },
      ...errors,
    },
    handler: async (ctx) => {
      const report = await ctx.app.reporting.revenueProductivity(ctx.principal, ctx.query);
      // Day granularity JSON (17 MB for a year with every comparison) is streamed, one period at a time.
      const json = ctx.query.granularity === 'day' ? () => reportJsonChunks(report) : undefined;
      return reportReply(ctx, 'revenue-productivity', report, (r) => revenueProductivityCsv(r.properties, r.payrollVisible), json);
    },
  }),

  route({
    name: 'reportProfitLoss',
    method: 'GET',
    route: 'v1/reports/profit-loss',
    access: requires('reports.pnl.read'),
    summary: 'Profit & loss: the USALI 11th edition summary operating statement, against budget, forecast and last year',
    tags: ['reports'],
    query: pnlQuery,
    responses: {
      200: { description: 'The statement (JSON, or CSV with Accept: text/csv); payroll lines only with payroll.read', schema: pnlSchema },
      304: { description: 'Not modified (If-None-Match)' },
      ...errors,
    },
    handler: async (ctx) => reportReply(ctx, 'profit-loss', await ctx.app.reporting.profitLoss(ctx.principal, ctx.query), (r) => profitLossCsv(r.properties, r.compare)),
  }),

  route({
    name: 'reportRevenueProductivityPortfolio',
    method: 'GET',
    route: 'v1/reports/revenue-productivity/portfolio',
    access: requires('reports.rp.read'),
    summary: 'Revenue & Productivity over a property group (or all properties): a row per property in your scope and a total per currency',
    tags: ['reports'],
    query: portfolioQuery,
    responses: {
      200: { description: 'The portfolio report (JSON, or CSV with Accept: text/csv); labour cost only with payroll.read over every covered property', schema: portfolioSchema },
      ...portfolioResponses,
    },
    handler: async (ctx) => portfolioReply(ctx, 'revenue-productivity-portfolio', await ctx.app.reporting.revenueProductivityPortfolio(ctx.principal, ctx.query), portfolioCsv),
  }),

  route({
    name: 'reportProfitLossPortfolio',
    method: 'GET',
    route: 'v1/reports/profit-loss/portfolio',
    access: requires('reports.pnl.read'),
    summary: 'Profit & loss over a property group (or all properties): the USALI statement of each property in your scope and a total statement per currency',
    tags: ['reports'],
    query: pnlPortfolioQuery,
    responses: {
      200: { description: 'The portfolio statement (JSON, or CSV with Accept: text/csv); payroll lines only with payroll.read over every covered property', schema: pnlPortfolioSchema },
      ...portfolioResponses,
    },
    handler: async (ctx) => portfolioReply(ctx, 'profit-loss-portfolio', await ctx.app.reporting.profitLossPortfolio(ctx.principal, ctx.query), pnlPortfolioCsv),
  }),

  route({
    name: 'reportDailyDigest',
    method: 'GET',
    route: 'v1/reports/daily-digest',
    access: requires('reports.rp.read'),
    summary: "The daily close digest of a property: yesterday's KPIs vs forecast and budget, departments over their hours, late sources",
    tags: ['reports'],
    query: digestQuery,
    responses: {
      200: { description: 'The digest; labour cost only with payroll.read', schema: digestSchema },
      304: { description: 'Not modified (If-None-Match)' },
      ...errors,
      404: { description: 'No such property, or that day is not closed yet' },
    },
    handler: async ({ app, principal, query, req, correlationId }) => {
      const digest = await app.reporting.digest(principal, query.propertyId, query.date);
      // GoGreen's projections and anomalies, for a reader who may see them.
      const sustainability = holds(principal, 'sustainability.read', query.propertyId) ? await app.sustainability.digest(principal, query.propertyId, query.date) : undefined;
      await app.reporting.viewed(principal, 'daily-digest', { propertyId: query.propertyId, date: query.date, payrollVisible: digest.payrollVisible }, correlationId);
      return cached(req, JSON.stringify(sustainability ? { ...digest, sustainability } : digest), 'application/json; charset=utf-8');
    },
  }),

  // Closes the previous business day of each property once its local close hour has passed.
  timerFunction({
    name: 'reportsDailyClose',
    schedule: '%DAILY_CLOSE_SCHEDULE%',
    handler: async ({ app, log }) => {
      const r = await app.reporting.dailyClose(new Date());
      log.info('daily close', { closed: r.closed.length, alreadyClosed: r.alreadyClosed, notYet: r.notYet, failed: r.failed });
    },
  }),
];
