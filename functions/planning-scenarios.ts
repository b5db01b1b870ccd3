import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { etagOf } from '../shared/http/etag.js';
import { metaOf } from '../shared/audit/emit.js';
import { idSchema, text } from '../shared/identity/http/schemas.js';
import { DEPARTMENT_DRIVERS, PROPERTY_DRIVERS, type DepartmentDrivers, type MonthDrivers, type PeriodFigures } from '../shared/planning/scenarios-projection.js';
import { MAX_COMPARED, type ScenarioItem, type ScenarioView } from '../shared/planning/scenarios.js';
import { route } from './triggers.js';

const year = z.coerce.number().int().min(2000).max(2100);
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

const createBody = z.strictObject({
  propertyId: idSchema,
  year: z.number().int().min(2000).max(2100).describe('The forecast year copied'),
  name: text(120),
});

const change = z
  .strictObject({
    driver: z.enum([...PROPERTY_DRIVERS, ...DEPARTMENT_DRIVERS]).describe('occupancy and adr are property drivers; covers, revenuePerCover, standard (hours per unit), wageRate and fixedHours are per department'),
    month: month.optional().describe('Only this month (of the scenario year); omitted: every month'),
    departmentId: idSchema.optional().describe('Only this department (department drivers); omitted: every department'),
    set: z.number().min(0).max(1e9).optional().describe('The new value (occupancy as a fraction 0–1)'),
    changePct: z.number().min(-100).max(1000).optional().describe('A change in percent of the current value (+5 raises by 5 %)'),
  })
  .superRefine((c, ctx) => {
    if ((c.set === undefined) === (c.changePct === undefined)) ctx.addIssue({ code: 'custom', path: ['set'], message: 'give exactly one of set and changePct' });
    if (c.driver === 'occupancy' && c.set !== undefined && c.set > 1) ctx.addIssue({ code: 'custom', path: ['set'], message: 'occupancy is a fraction from 0 to 1' });
    if ((PROPERTY_DRIVERS as readonly string[]).includes(c.driver) && c.departmentId !== undefined) ctx.addIssue({ code: 'custom', path: ['departmentId'], message: `${c.driver} is a property driver` });
  });

const patchBody = z.strictObject({
  name: text(120).optional(),
  changes: z.array(change).max(500).optional().describe('Applied in order to the current drivers'),
});

const n = z.number().nullable();
const totalFigures = z.object({
  revenue: z.number(),
  roomsRevenue: z.number(),
  roomsSold: z.number(),
  roomsAvailable: z.number(),
  occupancy: n.describe('Percent'),
  adr: n,
  paidHours: z.number(),
  labourCost: z.number().optional().describe('Only with payroll.read'),
  labourCostPct: n.optional().describe('Only with payroll.read'),
  revPOLU: n,
  productivity: n.describe('Revenue ÷ paid hours'),
  gop: z.number().optional().describe('Gross operating profit (P&L); only with payroll.read'),
  gopMargin: n.optional().describe('Percent; only with payroll.read'),
});
const departmentFigures = z.object({
  departmentId: z.string(),
  revenue: z.number(),
  covers: z.number(),
  paidHours: z.number(),
  labourCost: z.number().optional().describe('Only with payroll.read'),
  productivity: n.describe("The department's output (driver volume, else revenue) ÷ paid hours"),
});
const period = z.object({ baseline: totalFigures, scenario: totalFigures, departments: z.array(z.object({ departmentId: z.string(), baseline: departmentFigures, scenario: departmentFigures })) });
const driversView = z.object({
  period: z.string(),
  occupancy: n,
  adr: n,
  departments: z.array(z.object({ departmentId: z.string(), covers: z.number(), revenuePerCover: n, standard: n, wageRate: n.optional().describe('Only with payroll.read'), fixedHours: z.number() })),
});

const summaryView = z.object({
  id: z.string(),
  propertyId: z.string(),
  year: z.number(),
  name: z.string(),
  currency: z.string(),
  source: z.object({ series: z.literal('forecast'), versionId: z.string().nullable(), label: z.string(), copiedAt: z.string() }).describe('What the baseline was copied from'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const scenarioView = summaryView.extend({
  payrollVisible: z.boolean(),
  departments: z.array(z.object({ id: z.string(), code: z.string(), name: z.string(), usaliDepartment: z.string(), driver: z.string() })),
  drivers: z.object({ baseline: z.array(driversView), scenario: z.array(driversView) }),
  months: z.array(period.extend({ period: z.string() })),
  year: period,
});

function summaryOut(s: Pick<ScenarioItem, 'id' | 'propertyId' | 'year' | 'name' | 'currency' | 'source' | 'createdAt' | 'updatedAt'>) {
  return { id: s.id, propertyId: s.propertyId, year: s.year, name: s.name, currency: s.currency, source: s.source, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

/** A scenario as the API shows it; labour cost, wage rates and GOP (which gives payroll away by subtraction) only with payroll.read. */
function scenarioOut({ item, projection, payrollVisible }: ScenarioView) {
  const periodOut = (p: { baseline: PeriodFigures; scenario: PeriodFigures }) => {
    const total = (f: PeriodFigures['total']) => {
      const { labourCost, labourCostPct, gop, gopMargin, ...rest } = f;
      return payrollVisible ? { ...rest, labourCost, labourCostPct, gop, gopMargin } : rest;
    };
    return {
      baseline: total(p.baseline.total),
      scenario: total(p.scenario.total),
      departments: item.departments.map((d) => {
        const dept = (f: PeriodFigures) => {
          const { labourCost, ...rest } = f.departments[d.id] as PeriodFigures['departments'][string];
          return { departmentId: d.id, ...rest, ...(payrollVisible ? { labourCost } : {}) };
        };
        return { departmentId: d.id, baseline: dept(p.baseline), scenario: dept(p.scenario) };
      }),
    };
  };
  const driversOut = (m: MonthDrivers) => ({
    period: m.period,
    occupancy: m.occupancy,
    adr: m.adr,
    departments: item.departments.map((d) => {
      const { wageRate, ...rest } = m.departments[d.id] as DepartmentDrivers;
      return { departmentId: d.id, ...rest, ...(payrollVisible ? { wageRate } : {}) };
    }),
  });
  return {
    ...summaryOut(item),
    payrollVisible,
    departments: item.departments.map((d) => ({ id: d.id, code: d.code, name: d.name, usaliDepartment: d.usaliDepartment, driver: d.driver })),
    drivers: { baseline: item.baselineDrivers.map(driversOut), scenario: item.drivers.map(driversOut) },
    months: projection.months.map((m) => ({ period: m.period, ...periodOut(m) })),
    year: periodOut(projection.year),
  };
}

const scenarioParams = z.strictObject({ scenarioId: idSchema });
const ids = z
  .string()
  .max(1000)
  .describe(`Comma-separated scenario ids, 1 to ${MAX_COMPARED}`)
  .transform((s, ctx) => {
    const parts = [...new Set(s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))];
    if (parts.length === 0 || parts.length > MAX_COMPARED) ctx.addIssue({ code: 'custom', message: `1 to ${MAX_COMPARED} ids` });
    parts.forEach((p) => {
      if (!idSchema.safeParse(p).success) ctx.addIssue({ code: 'custom', message: `'${p}' is not an id` });
    });
    return parts;
  });

const errors = { 400: { description: 'Invalid input (the problem names the field)' }, 403: { description: 'No planning permission over the property' } };

export default [
  route({
    name: 'planningScenariosCreate',
    method: 'POST',
    route: 'v1/planning/scenarios',
    access: requires('planning.submit'),
    summary: "Copy a property-year's forecast (as reports see it) into a named what-if scenario; needs planning.submit over the property",
    tags: ['planning'],
    body: createBody,
    responses: { 201: { description: 'Created, drivers equal to the forecast', schema: scenarioView }, ...errors, 404: { description: 'No such property in your tenant' } },
    handler: async ({ app, principal, body, ...call }) => {
      const v = await app.planningScenarios.create(principal, body, metaOf(call));
      return { status: 201, json: scenarioOut(v), etag: etagOf(v.item), headers: { Location: `/api/v1/planning/scenarios/${v.item.id}` } };
    },
  }),

  route({
    name: 'planningScenariosList',
    method: 'GET',
    route: 'v1/planning/scenarios',
    access: requires('planning.read'),
    summary: 'The scenarios of a property-year, newest first (without figures); needs planning.read over the property',
    tags: ['planning'],
    query: z.strictObject({ propertyId: idSchema, year }),
    responses: { 200: { description: 'Scenarios', schema: z.object({ items: z.array(summaryView) }) }, ...errors },
    handler: async ({ app, principal, query }) => ({ json: { items: (await app.planningScenarios.list(principal, query.propertyId, query.year)).map(summaryOut) } }),
  }),

  route({
    name: 'planningScenariosCompare',
    method: 'GET',
    route: 'v1/planning/scenarios/compare',
    access: requires('planning.read'),
    summary: `Up to ${MAX_COMPARED} scenarios side by side, each with its baseline; needs planning.read over each one's property`,
    tags: ['planning'],
    query: z.strictObject({ ids }),
    responses: { 200: { description: 'The scenarios, in the order asked', schema: z.object({ scenarios: z.array(scenarioView) }) }, ...errors, 404: { description: 'A scenario not found in your tenant' } },
    handler: async ({ app, principal, query }) => ({ json: { scenarios: (await app.planningScenarios.compare(principal, query.ids)).map(scenarioOut) } }),
  }),

  route({
    name: 'planningScenariosGet',
    method: 'GET',
    route: 'v1/planning/scenarios/{scenarioId}',
    access: requires('planning.read'),
    summary: 'A scenario: its drivers and projected revenue, hours, labour cost, RevPOLU, productivity and GOP per month and year beside the baseline forecast',
    tags: ['planning'],
    params: scenarioParams,
    responses: { 200: { description: 'Scenario', schema: scenarioView }, ...errors, 404: { description: 'No such scenario in your tenant' } },
    handler: async ({ app, principal, params }) => {
      const v = await app.planningScenarios.get(principal, params.scenarioId);
      return { json: scenarioOut(v), etag: etagOf(v.item) };
    },
  }),

  route({
    name: 'planningScenariosUpdate',
    method: 'PATCH',
    route: 'v1/planning/scenarios/{scenarioId}',
    access: requires('planning.submit'),
    summary: 'Rename a scenario or change its drivers, for the whole year or a month, the property or a department (If-Match honoured); wage rates need payroll.read',
    tags: ['planning'],
    params: scenarioParams,
    ifMatch: true,
    body: patchBody,
    responses: { 200: { description: 'Scenario, recomputed', schema: scenarioView }, ...errors, 404: { description: 'No such scenario in your tenant' }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const v = await app.planningScenarios.update(principal, params.scenarioId, body, ifMatch, metaOf(call));
      return { json: scenarioOut(v), etag: etagOf(v.item) };
    },
  }),

  route({
    name: 'planningScenariosDelete',
    method: 'DELETE',
    route: 'v1/planning/scenarios/{scenarioId}',
    access: requires('planning.submit'),
    summary: 'Delete a scenario (If-Match honoured); forecasts, versions and reports are untouched',
    tags: ['planning'],
    params: scenarioParams,
    ifMatch: true,
    responses: { 204: { description: 'Deleted' }, ...errors, 404: { description: 'No such scenario in your tenant' }, 412: { description: 'ETag mismatch' } },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.planningScenarios.remove(principal, params.scenarioId, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),
];
