import { z } from 'zod';
import { requires } from '../shared/http/route.js';
import { metaOf } from '../shared/audit/emit.js';
import { etagOf } from '../shared/http/etag.js';
import { idParam } from '../shared/http/identifiers.js';
import { utilityEntry } from '../shared/integrations/formats/utility/record.js';
import { consumptionSchema } from '../shared/sustainability/index.js';
import { route } from './triggers.js';

const dayOrMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'a date YYYY-MM-DD or a month YYYY-MM');

const consumptionQuery = z.strictObject({
  propertyId: idParam,
  from: dayOrMonth.describe('First day (a month: its first day), or first month for granularity=month'),
  to: dayOrMonth.describe('Last day (a month: its last day), or last month for granularity=month'),
  granularity: z.enum(['day', 'month']).default('day'),
});

const entryBody = z.strictObject({
  readings: z
    .array(utilityEntry)
    .min(1)
    .max(1000)
    .describe('Readings in the canonical `utility` record shape (docs/integrations.md); `id` optional: by default one per day or month, meter and kind of resource, so entering it again corrects it'),
});

const entrySchema = z.object({
  propertyId: z.string(),
  integrationId: z.string().describe("The property's built-in manual-entry integration (source type utility)"),
  importId: z.string().describe('The import the readings were handed to: GET /api/v1/integrations/{integrationId}/imports/{importId} shows its outcome (held readings of a locked month included)'),
  entry: z.number().int().describe('The number of this entry for the property'),
  readings: z.number().int(),
});

const daySchema = z.object({ date: z.string(), consumption: consumptionSchema });
const monthSchema = z.object({ month: z.string(), consumption: consumptionSchema, days: z.number().int().describe('Days of the month with consumption (all of them when a monthly reading is spread over it)') });
const readSchema = z.object({
  propertyId: z.string(),
  granularity: z.enum(['day', 'month']),
  from: z.string(),
  to: z.string(),
  items: z.array(z.union([daySchema, monthSchema])).describe('Days or months with recorded consumption, ascending; canonical units (kWh gross CV, m³, kg)'),
});

export default [
  route({
    name: 'sustainabilityConsumptionEnter',
    method: 'PUT',
    route: 'v1/sustainability/consumption/{propertyId}',
    access: requires('sustainability.manage'),
    summary:
      "Enter consumption readings for days or months of a property by hand: imported through the property's manual-entry `utility` integration like a meter's webhook (a locked month holds them for approval)",
    tags: ['sustainability'],
    params: z.strictObject({ propertyId: idParam }),
    body: entryBody,
    ifMatch: true,
    responses: {
      202: { description: 'Recorded and queued for import (ETag: the property’s manual-entry record)', schema: entrySchema },
      404: { description: 'No such property' },
    },
    handler: async ({ app, principal, params, body, ifMatch, ...call }) => {
      const r = await app.sustainabilityInputs.enter(principal, params.propertyId, body.readings, ifMatch, metaOf(call));
      return { status: 202, json: { propertyId: params.propertyId, integrationId: r.integrationId, importId: r.importId, entry: r.entry, readings: r.readings }, etag: etagOf(r.item) };
    },
  }),

  route({
    name: 'sustainabilityConsumption',
    method: 'GET',
    route: 'v1/sustainability/consumption',
    access: requires('sustainability.read'),
    summary: 'Recorded consumption of a property per day (monthly readings spread over their days by room nights) or per month, as written after period locks',
    tags: ['sustainability'],
    query: consumptionQuery,
    responses: { 200: { description: 'Consumption', schema: readSchema }, 404: { description: 'No such property' } },
    handler: async ({ app, principal, query }) => ({ json: await app.sustainabilityInputs.read(principal, query) }),
  }),
];
