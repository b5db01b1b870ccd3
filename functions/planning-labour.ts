import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { isIsoDate } from '../shared/reporting/periods.js';
import { FORECAST_WEEKS, labourForecastCsv } from '../shared/planning/labour-forecast.js';
import { labourStandardsBody, weekHoursSchema } from '../shared/planning/labour-standards.js';
import { route } from './triggers.js';

const propertyId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/)
  .refine((s) => s !== 'all', 'the labour forecast is per property: name one');

const forecastQuery = z.strictObject({
  propertyId,
  from: z.string().refine(isIsoDate, 'must be a calendar date YYYY-MM-DD').optional().describe("First day; absent: tomorrow in the property's time zone"),
  weeks: z.coerce.number().int().min(FORECAST_WEEKS.min).max(FORECAST_WEEKS.max).default(FORECAST_WEEKS.default).describe('Weeks forecast (1–26)'),
  format: z.enum(['json', 'csv']).default('json').describe('csv: one row per department and day'),
});

const n = z.number().nullable();
const weekHours = z.object({ mon: z.number(), tue: z.number(), wed: z.number(), thu: z.number(), fri: z.number(), sat: z.number(), sun: z.number() });
const scheduled = {
  scheduledHours: n.describe("Hours of published shifts (the schedules format); null when the property has no schedule source (see scheduledHours.reason)"),
  variance: n.describe('requiredHours − scheduledHours (positive: more hours needed than scheduled); null with scheduledHours'),
};
const totals = z.object({ requiredHours: z.number(), ...scheduled, labourCost: n.optional().describe('Only with payroll.read') });
const forecastDay = z.object({
  date: z.string(),
  weekday: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
  volume: n.describe("The driver's volume (rooms sold, covers, guests or revenue); null without one"),
  source: z.enum(['onTheBooks', 'forecast', 'none']).describe('Where the volume comes from'),
  variableHours: n.describe('volume × standard hours per unit'),
  fixedHours: z.number().describe("The department's fixed hours of the weekday (labour standards)"),
  requiredHours: z.number().describe('variable + fixed hours'),
  ...scheduled,
  labourCost: n.optional().describe('required hours × wage rate; only with payroll.read'),
});
const forecastSchema = z.object({
  report: z.literal('labour-forecast'),
  propertyId: z.string(),
  name: z.string(),
  currency: z.string(),
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  weeks: z.number().int(),
  payrollVisible: z.boolean(),
  wageRateRange: z.object({ from: z.string(), to: z.string() }).nullable().describe('The actuals wage rates are averaged over (the 28 days before the forecast, never today); null without payroll.read'),
  scheduledHours: z
    .object({
      available: z.boolean(),
      integrations: z.array(z.object({ id: z.string(), name: z.string() })).describe("The property's integrations that feed scheduled shifts"),
      reason: z.string().nullable().describe('Why scheduled hours are null; null when available'),
    })
    .describe('Where scheduled hours come from'),
  departments: z.array(
    z.object({
      departmentId: z.string(),
      code: z.string(),
      name: z.string(),
      driver: z.enum(['roomsSold', 'covers', 'guests', 'revenue', 'none']),
      standardHoursPerUnit: n,
      fixedHours: weekHours,
      wageRate: n.optional().describe('Labour cost ÷ paid hours of the wage-rate range; only with payroll.read; null without paid hours there'),
      days: z.array(forecastDay),
      total: totals,
    }),
  ),
  days: z.array(z.object({ date: z.string(), requiredHours: z.number(), ...scheduled, labourCost: n.optional() })).describe('Every department together, per day'),
  total: totals,
  meta: z.object({ storeReads: z.number().int(), aggregateItems: z.number().int(), labourCostUnavailable: z.number().int().describe('Actual time records of the wage-rate range whose cost is unavailable (redacted employees)') }),
});

const standardsParams = z.strictObject({ propertyId: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/) });
const standardsSchema = z.object({
  propertyId: z.string(),
  fixedHours: z.record(z.string(), weekHoursSchema.required()).describe('Department id → fixed hours per weekday'),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable().describe('User id of the last change; null before the first save'),
});

const errors = {
  400: { description: 'Invalid parameters, named by field' },
  401: { description: 'Not authenticated' },
  403: { description: 'Missing permission, or the property is outside your scope' },
  404: { description: 'No such property in your tenant' },
};

export default [
  route({
    name: 'planningLabourForecast',
    method: 'GET',
    route: 'v1/planning/labour-forecast',
    access: requires('planning.read'),
    summary: "Required hours per department and day for the coming weeks: the driver's volume (on the books, else forecast) × the department's standard, plus its fixed hours; labour cost only with payroll.read",
    tags: ['planning'],
    query: forecastQuery,
    responses: {
      200: { description: 'The forecast (JSON, or CSV with format=csv)', schema: forecastSchema },
      ...errors,
    },
    handler: async ({ app, principal, query, correlationId }) => {
      const report = await app.labourForecast.forecast(principal, query);
      // Labour cost is payroll data: its views are audited like the reports'.
      await app.reporting.viewed(principal, 'labour-forecast', { propertyId: report.propertyId, from: report.from, to: report.to, format: query.format, payrollVisible: report.payrollVisible }, correlationId);
      const headers = { 'Cache-Control': 'private, no-cache', 'x-store-reads': String(report.meta.storeReads) };
      return query.format === 'csv' ? { raw: labourForecastCsv(report), contentType: 'text/csv; charset=utf-8', headers } : { json: report, headers };
    },
  }),

  route({
    name: 'planningLabourStandardsGet',
    method: 'GET',
    route: 'v1/planning/labour-standards/{propertyId}',
    access: requires('planning.read'),
    summary: "A property's labour standards: fixed hours per department and weekday (its ETag is what PUT's If-Match takes)",
    tags: ['planning'],
    params: standardsParams,
    responses: { 200: { description: 'The standards (empty before the first save)', schema: standardsSchema }, ...errors },
    handler: async ({ app, principal, params }) => {
      const { view, etag } = await app.labourStandards.get(principal, params.propertyId);
      return { json: view, ...(etag ? { etag } : {}) };
    },
  }),

  route({
    name: 'planningLabourStandardsPut',
    method: 'PUT',
    route: 'v1/planning/labour-standards/{propertyId}',
    access: requires('planning.approve'),
    summary: "Replace a property's labour standards (fixed hours per department and weekday); audited planning.labour_standards_changed",
    tags: ['planning'],
    params: standardsParams,
    ifMatch: true,
    body: labourStandardsBody,
    responses: {
      200: { description: 'Saved', schema: standardsSchema },
      ...errors,
      400: { description: 'Invalid body, or a department that is not the property’s (named body.fixedHours.<id>)' },
      412: { description: 'If-Match does not match the current version' },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const { view, etag } = await app.labourStandards.put(principal, params.propertyId, body, ifMatch, metaOf(call));
      return { json: view, ...(etag ? { etag } : {}) };
    },
  }),
];
