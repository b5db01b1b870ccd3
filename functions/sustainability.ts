import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { isIsoDate } from '../shared/reporting/periods.js';
import { toCsv } from '../shared/reporting/csv.js';
import { propertySettingsSchema, propertySettingsView } from '../shared/sustainability/property-facts.js';
import { factorEntrySchema, factorIdSchema, type EmissionFactorItem } from '../shared/sustainability/factor-store.js';
import { propertyTargetsSchema, targetsView } from '../shared/sustainability/targets-store.js';
import { weatherInputSchema } from '../shared/sustainability/weather.js';
import { statementCsv } from '../shared/sustainability/statement.js';
import type { SustainabilityReport } from '../shared/sustainability/service.js';
import type { ReportPeriod } from '../shared/sustainability/report.js';
import { FACTOR_ACTIVITIES, FACTOR_UNITS, GWP_ASSESSMENTS, SCOPE2_BASES, TARGET_RESOURCES } from '../shared/sustainability/index.js';
import { route, timerFunction } from './triggers.js';

const propertyParams = z.strictObject({ propertyId: idParam });
const factorParams = z.strictObject({ id: factorIdSchema });
const isoDate = z.string().refine(isIsoDate, 'must be a calendar date YYYY-MM-DD');
const flag = z.enum(['green', 'amber', 'red']);

const settingsView = z.object({
  propertyId: z.string(),
  areas: z.object({ totalM2: z.number(), roomsAndCorridorsM2: z.number(), meetingM2: z.number(), excludedM2: z.number() }),
  rooms: z.number().int().optional(),
  country: z.string(),
  scope2Basis: z.enum(SCOPE2_BASES),
  supplierContractId: z.string().optional(),
  gwpAssessment: z.enum(GWP_ASSESSMENTS),
  degreeDays: z.object({ heatingBaseC: z.number(), coolingBaseC: z.number() }),
  anomalyRule: z.object({ marginPct: z.number(), minDays: z.number().int() }),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

const factorView = z.object({
  id: z.string().nullable().describe("The tenant's id of its own factor; null for a seeded public one"),
  origin: z.enum(['seed', 'tenant']),
  activity: z.enum(FACTOR_ACTIVITIES),
  region: z.string(),
  key: z.string().optional(),
  basis: z.enum(SCOPE2_BASES).optional(),
  assessment: z.enum(GWP_ASSESSMENTS).optional(),
  unit: z.enum(FACTOR_UNITS),
  kgCo2ePerUnit: z.number(),
  year: z.number().int(),
  source: z.string(),
  updatedAt: z.string().optional(),
});

const targetsSchema = z.object({
  propertyId: z.string(),
  targets: z.array(z.object({ resource: z.enum(TARGET_RESOURCES), reductionPct: z.number(), baselineYear: z.number().int(), deadlineYear: z.number().int() })),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

/** The core's SustainabilityMetrics (shared/sustainability/metrics.ts), every field documented in docs/gogreen.md. */
const metricsSchema = z
  .object({
    methodologyVersion: z.string(),
    flag,
    basis: z.enum(SCOPE2_BASES),
    allocation: z.object({ excludedShare: z.number(), meetingShare: z.number(), meetingHours: z.number() }).nullable(),
    denominators: z.record(z.string(), z.number()),
    carbon: z.record(z.string(), z.number().nullable()),
    energy: z.record(z.string(), z.number().nullable()),
    water: z.record(z.string(), z.number().nullable()),
    waste: z.record(z.string(), z.number().nullable()),
  })
  .nullable();

const periodSchema = z.object({
  key: z.string(),
  from: z.string(),
  to: z.string(),
  metrics: metricsSchema,
  flag: flag.nullable().describe('red: a factor is missing (figures are lower bounds); amber: a factor is more than two years older than the period; null: no data'),
  flaggedLines: z.array(z.object({ activity: z.string(), flag: z.enum(['amber', 'red']), factorYear: z.number().int().nullable(), months: z.array(z.string()) })),
  lastYear: metricsSchema,
  changeVsLastYearPct: z.record(z.string(), z.number().nullable()).nullable(),
  targets: z.array(
    z.object({
      resource: z.enum(TARGET_RESOURCES),
      reductionPct: z.number(),
      baselineYear: z.number().int(),
      deadlineYear: z.number().int(),
      actual: z.number(),
      target: z.number().describe("Σ over the period's months with data: the month's target per guest night × its actual guest nights"),
      variance: z.number(),
      variancePct: z.number().nullable(),
      aboveTarget: z.boolean(),
      missingBaseline: z.literal(true).optional(),
    }),
  ),
});

const reportSchema = z.object({
  report: z.literal('sustainability'),
  from: z.string(),
  to: z.string(),
  granularity: z.enum(['month', 'year']),
  methodologyVersion: z.string(),
  group: z.object({ id: z.string(), kind: z.string(), name: z.string() }).nullable(),
  properties: z.array(z.object({ propertyId: z.string(), name: z.string(), configured: z.boolean(), periods: z.array(periodSchema), total: periodSchema })),
  total: z.object({ periods: z.array(periodSchema), total: periodSchema }).nullable(),
  costs: z.string(),
  meta: z.object({ storeReads: z.number().int() }),
});

const statementSchema = z.object({
  report: z.literal('sustainability-statement'),
  propertyId: z.string(),
  name: z.string(),
  year: z.number().int(),
  methodologyVersion: z.string().nullable(),
  basis: z.enum(SCOPE2_BASES).nullable(),
  flag: flag.nullable(),
  flaggedLines: periodSchema.shape.flaggedLines,
  lines: z.array(z.object({ section: z.enum(['HCMI', 'HWMI', 'Energy', 'Waste', 'Inputs']), line: z.string(), value: z.number().nullable(), unit: z.string() })),
  costs: z.string(),
});


const projectionSchema = z.object({
  resource: z.enum(TARGET_RESOURCES),
  month: z.string(),
  daysElapsed: z.number().int(),
  daysInMonth: z.number().int(),
  consumptionToDate: z.number(),
  projectedConsumption: z.number().describe('Consumption so far + consumption per guest night so far × forecast guest nights of the rest of the month'),
  targetConsumption: z.number().nullable().describe("The month's target per guest night × the projected guest nights"),
  projectedPerGuestNight: z.number().nullable(),
  targetPerGuestNight: z.number().nullable(),
  aboveTarget: z.boolean().nullable(),
});

/** The GoGreen section of the daily digest (shared/sustainability/alerts.ts). */
export const sustainabilityDigestSchema = z.object({
  propertyId: z.string(),
  date: z.string(),
  projections: z.array(projectionSchema),
  expected: z.array(
    z.object({
      resource: z.enum(['energyKwh', 'waterM3']),
      fittedDays: z.number().int(),
      r2: z.number().nullable(),
      comparison: z.object({ actual: z.number(), expected: z.number(), changePct: z.number().nullable() }).nullable().describe('The last four weeks against what the model of the year before expects for their occupancy and weather'),
      anomalies: z.array(z.object({ resource: z.enum(['energyKwh', 'waterM3']), from: z.string(), to: z.string(), days: z.number().int(), excess: z.number(), marginPct: z.number() })),
    }),
  ),
  alerts: z.array(z.string()).describe('Projections above target and anomalies, in words'),
});

const format = z.enum(['json', 'csv']).default('json');

const reportQuery = z
  .strictObject({
    propertyId: z.union([idParam, z.literal('all')]).optional().describe('A property, or `all` for every property in your scope'),
    groupId: idParam.optional().describe('A property group: its properties in your scope'),
    from: isoDate,
    to: isoDate,
    granularity: z.enum(['month', 'year']).default('month'),
    format,
  })
  .refine((q) => (q.propertyId === undefined) !== (q.groupId === undefined), { message: 'give propertyId or groupId', path: ['propertyId'] });

const CSV_HEAD = [
  'propertyId', 'name', 'period', 'from', 'to', 'methodologyVersion', 'basis', 'flag', 'flaggedActivities',
  'occupiedRooms', 'guestNights', 'scope1KgCo2e', 'scope2KgCo2e', 'laundryKgCo2e', 'totalKgCo2e', 'kgCo2ePerOccupiedRoom', 'kgCo2ePerMeetingM2Hour', 'kgCo2ePerGuestNight',
  'energyKwh', 'kwhPerOccupiedRoom', 'kwhPerM2', 'renewableElectricityShare', 'waterM3', 'm3PerOccupiedRoom', 'm3PerGuestNight', 'm3PerMeetingM2Hour',
  'wasteKg', 'wasteKgPerOccupiedRoom', 'diversionRate', 'lastYearTotalKgCo2e', 'lastYearKgCo2ePerOccupiedRoom', 'targetsAbove',
];

function csvRow(id: string, name: string, p: ReportPeriod) {
  const m = p.metrics;
  return [
    id, name, p.key, p.from, p.to, m?.methodologyVersion, m?.basis, p.flag, p.flaggedLines.map((l) => `${l.activity}:${l.flag}`).join(' '),
    m?.denominators.occupiedRooms, m?.denominators.guestNights, m?.carbon.scope1Kg, m?.carbon.scope2Kg, m?.carbon.laundryKg, m?.carbon.totalKg, m?.carbon.perOccupiedRoomKg, m?.carbon.perMeetingM2HourKg, m?.carbon.perGuestNightKg,
    m?.energy.totalKwh, m?.energy.perOccupiedRoomKwh, m?.energy.perM2Kwh, m?.energy.renewableElectricityShare, m?.water.countedM3, m?.water.perOccupiedRoomM3, m?.water.perGuestNightM3, m?.water.perMeetingM2HourM3,
    m?.waste.totalKg, m?.waste.perOccupiedRoomKg, m?.waste.diversionRate, p.lastYear?.carbon.totalKg, p.lastYear?.carbon.perOccupiedRoomKg, p.targets.filter((t) => t.aboveTarget).map((t) => t.resource).join(' '),
  ];
}

function reportCsv(r: SustainabilityReport): string {
  const rows = r.properties.flatMap((p) => [...p.periods, p.total].map((period) => csvRow(p.propertyId, p.name, period)));
  if (r.total) rows.push(...[...r.total.periods, r.total.total].map((period) => csvRow(r.group?.id ?? 'all', r.group ? `${r.group.name} total` : 'Portfolio total', period)));
  return toCsv(CSV_HEAD, rows);
}

function factorOut(item: EmissionFactorItem) {
  return { ...item.entry, id: item.factorId, origin: 'tenant' as const, updatedAt: item.updatedAt };
}

const manageErrors = {
  400: { description: 'Invalid body (the field is named)' },
  403: { description: 'No sustainability.manage over the property' },
  404: { description: 'No such property in your tenant' },
  412: { description: 'If-Match does not match the current version' },
};

export default [
  route({
    name: 'sustainabilityPropertyGet',
    method: 'GET',
    route: 'v1/sustainability/properties/{propertyId}',
    access: requires('sustainability.read'),
    summary: "A property's GoGreen settings: floor areas, rooms, country (grid), scope 2 basis, degree-day bases, anomaly rule",
    tags: ['sustainability'],
    params: propertyParams,
    responses: { 200: { description: 'The settings', schema: settingsView }, 404: { description: 'No such property, or not configured yet' } },
    handler: async ({ app, principal, params }) => {
      const item = await app.sustainability.settings(principal, params.propertyId);
      return { json: propertySettingsView(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityPropertyPut',
    method: 'PUT',
    route: 'v1/sustainability/properties/{propertyId}',
    access: requires('sustainability.manage'),
    summary: "Set a property's GoGreen settings (If-Match when replacing; audited)",
    tags: ['sustainability'],
    params: propertyParams,
    body: propertySettingsSchema,
    ifMatch: true,
    responses: { 200: { description: 'The settings as stored', schema: settingsView }, ...manageErrors },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.sustainability.putSettings(principal, params.propertyId, body, ifMatch, metaOf(call));
      return { json: propertySettingsView(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityFactors',
    method: 'GET',
    route: 'v1/sustainability/factors',
    access: requires('sustainability.read'),
    summary: "The tenant's emission-factor table: the seeded public factors with their sources, and the tenant's own (which replace them where they match)",
    tags: ['sustainability'],
    responses: { 200: { description: 'Factors', schema: z.object({ items: z.array(factorView) }) } },
    handler: async ({ app, principal }) => ({ json: { items: await app.sustainability.factors(principal) } }),
  }),

  route({
    name: 'sustainabilityFactorCreate',
    method: 'POST',
    route: 'v1/sustainability/factors',
    access: requires('sustainability.manage'),
    summary: "Add one of the tenant's own emission factors (tenant-wide sustainability.manage; audited). It replaces the seeded factors it matches; reports price every period with the table as it is when read.",
    tags: ['sustainability'],
    body: factorEntrySchema,
    ifMatch: true,
    responses: { 201: { description: 'The factor (its id names it in PUT and DELETE)', schema: factorView }, 400: manageErrors[400], 403: { description: 'No tenant-wide sustainability.manage' } },
    handler: async ({ app, principal, body, ...call }) => {
      const item = await app.sustainability.createFactor(principal, body, metaOf(call));
      return { status: 201, json: factorOut(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityFactorPut',
    method: 'PUT',
    route: 'v1/sustainability/factors/{id}',
    access: requires('sustainability.manage'),
    summary: "Replace one of the tenant's own emission factors (If-Match honoured; audited): every period it applies to is repriced when next read",
    tags: ['sustainability'],
    params: factorParams,
    body: factorEntrySchema,
    ifMatch: true,
    responses: { 200: { description: 'The factor', schema: factorView }, 400: manageErrors[400], 403: { description: 'No tenant-wide sustainability.manage' }, 404: { description: 'No such factor in your tenant' }, 412: manageErrors[412] },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.sustainability.replaceFactor(principal, params.id, body, ifMatch, metaOf(call));
      return { json: factorOut(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityFactorDelete',
    method: 'DELETE',
    route: 'v1/sustainability/factors/{id}',
    access: requires('sustainability.manage'),
    summary: "Delete one of the tenant's own emission factors (If-Match honoured; audited): the seeded factor, if any, applies again",
    tags: ['sustainability'],
    params: factorParams,
    ifMatch: true,
    responses: { 204: { description: 'Deleted' }, 403: { description: 'No tenant-wide sustainability.manage' }, 404: { description: 'No such factor in your tenant' }, 412: manageErrors[412] },
    handler: async ({ app, principal, params, ifMatch, ...call }) => {
      await app.sustainability.deleteFactor(principal, params.id, ifMatch, metaOf(call));
      return { status: 204 };
    },
  }),

  route({
    name: 'sustainabilityTargetsGet',
    method: 'GET',
    route: 'v1/sustainability/targets/{propertyId}',
    access: requires('sustainability.read'),
    summary: "A property's reduction targets (one per resource)",
    tags: ['sustainability'],
    params: propertyParams,
    responses: { 200: { description: 'The targets', schema: targetsSchema }, 404: { description: 'No such property, or no targets set' } },
    handler: async ({ app, principal, params }) => {
      const item = await app.sustainability.targets(principal, params.propertyId);
      return { json: targetsView(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityTargetsPut',
    method: 'PUT',
    route: 'v1/sustainability/targets/{propertyId}',
    access: requires('sustainability.manage'),
    summary: "Set a property's reduction targets: a percentage per resource against a baseline year by a deadline (replaces the set; If-Match when replacing; audited)",
    tags: ['sustainability'],
    params: propertyParams,
    body: propertyTargetsSchema,
    ifMatch: true,
    responses: { 200: { description: 'The targets as stored', schema: targetsSchema }, ...manageErrors },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const item = await app.sustainability.putTargets(principal, params.propertyId, body.targets, ifMatch, metaOf(call));
      return { json: targetsView(item), etag: etagOf(item) };
    },
  }),

  route({
    name: 'sustainabilityWeatherPut',
    method: 'PUT',
    route: 'v1/sustainability/weather/{propertyId}',
    access: requires('sustainability.manage'),
    summary: "Record daily mean temperatures of a property (the degree-day input of expected consumption); a day delivered again replaces the earlier value (audited). If-Match is not used: each day is a measurement, not a version.",
    tags: ['sustainability'],
    params: propertyParams,
    body: weatherInputSchema,
    ifMatch: true,
    responses: { 200: { description: 'Recorded', schema: z.object({ propertyId: z.string(), days: z.number().int(), months: z.array(z.string()) }) }, ...manageErrors },
    handler: async ({ app, principal, params, body, ...call }) => ({ json: await app.sustainability.putWeather(principal, params.propertyId, body.days, metaOf(call)) }),
  }),

  route({
    name: 'reportSustainability',
    method: 'GET',
    route: 'v1/reports/sustainability',
    access: requires('sustainability.read'),
    summary: 'GoGreen metrics (HCMI/HWMI) per property, group or portfolio, by month or year, with factor flags, last year and targets (JSON or CSV)',
    tags: ['reports', 'sustainability'],
    query: reportQuery,
    responses: {
      200: { description: 'The report (format=csv: one row per property and period, then the totals)', schema: reportSchema },
      400: { description: 'Invalid parameters' },
      403: { description: 'No sustainability.read over the property (or any of the group)' },
      404: { description: 'No such property or group in your tenant' },
    },
    handler: async ({ app, principal, query, correlationId }) => {
      const report = await app.sustainability.report(principal, query);
      await app.reporting.viewed(principal, 'sustainability', { propertyId: query.propertyId ?? null, groupId: query.groupId ?? null, from: query.from, to: query.to, granularity: query.granularity, format: query.format }, correlationId);
      return query.format === 'csv' ? { raw: reportCsv(report), contentType: 'text/csv; charset=utf-8' } : { json: report };
    },
  }),

  route({
    name: 'reportSustainabilityStatement',
    method: 'GET',
    route: 'v1/reports/sustainability/statement',
    access: requires('sustainability.read'),
    summary: "A property's annual statement in the HCMI/HWMI layout (JSON or CSV)",
    tags: ['reports', 'sustainability'],
    query: z.strictObject({ propertyId: idParam, year: z.coerce.number().int().min(2000).max(2100), format }),
    responses: {
      200: { description: 'The statement', schema: statementSchema },
      403: { description: 'No sustainability.read over the property' },
      404: { description: 'No such property in your tenant' },
    },
    handler: async ({ app, principal, query, correlationId }) => {
      const statement = await app.sustainability.statement(principal, query.propertyId, query.year);
      await app.reporting.viewed(principal, 'sustainability-statement', { propertyId: query.propertyId, year: query.year, format: query.format }, correlationId);
      return query.format === 'csv' ? { raw: statementCsv(statement), contentType: 'text/csv; charset=utf-8' } : { json: statement };
    },
  }),
  route({
    name: 'sustainabilityAlerts',
    method: 'GET',
    route: 'v1/sustainability/alerts/{propertyId}',
    access: requires('sustainability.read'),
    summary: "A property's GoGreen alerts as of a date (also in the daily digest): month-end projections against the targets, expected energy and water with anomalies",
    tags: ['sustainability'],
    params: propertyParams,
    query: z.strictObject({ date: isoDate }),
    responses: { 200: { description: 'Projections, expected consumption and anomalies', schema: sustainabilityDigestSchema }, 403: { description: 'No sustainability.read over the property' }, 404: { description: 'No such property in your tenant' } },
    handler: async ({ app, principal, params, query }) => ({ json: await app.sustainability.digest(principal, params.propertyId, query.date) }),
  }),

  // After the daily close: projections above target recorded once per property, month and resource (audited).
  timerFunction({
    name: 'sustainabilityTargetAlerts',
    schedule: '%DAILY_CLOSE_SCHEDULE%',
    handler: async ({ app, log }) => {
      const r = await app.sustainability.raiseTargetAlerts(new Date());
      log.info('GoGreen target alerts', r);
    },
  }),
];
