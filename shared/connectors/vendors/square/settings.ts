import { z } from 'zod';
import { code } from '../../../integrations/formats/common.js';
import { vendorUrl } from '../../vendor-url.js';

/** Square's ids of locations and catalog objects: opaque strings. */
const squareId = z.string().min(1).max(192);

/**
 * The Square API version we send (`Square-Version`) and whose published specification the connector
 * is contract-tested against (test/fixtures/vendors/square/PROVENANCE.md).
 */
export const SQUARE_VERSION = '2024-10-17';

export const squareSettings = z.strictObject({
  baseUrl: vendorUrl()
    .transform((u) => u.replace(/\/+$/, ''))
    .default('https://connect.squareup.com')
    .describe('Square API base URL; sandbox: https://connect.squareupsandbox.com'),
  // SearchOrders takes at most 10 location ids, and a hotel's outlets are a handful of locations.
  locationIds: z.array(squareId).min(1).max(10).describe('The Square locations (outlets) of this property'),
  outlets: z
    .strictObject({
      byLocation: z.record(squareId, code).default({}).describe('Square location id → our outlet code (default: the location id)'),
      byCatalogObject: z.record(squareId, code).default({}).describe("A line item's catalog object id (item variation) → our outlet code, for a location whose items belong to several outlets"),
    })
    .default({ byLocation: {}, byCatalogObject: {} })
    .describe('Which outlet (mapped to a department by the integration) each sale belongs to'),
  businessDayStartHour: z
    .number()
    .int()
    .min(0)
    .max(12)
    .optional()
    .describe("Hours after local midnight at which a business day starts (a check closed at 01:30 belongs to the day before); when absent, from each location's business hours (mapping.ts startHourOf)"),
  covers: z
    .strictObject({
      metadataKey: z.string().min(1).max(60).default('covers').describe("Order metadata key whose value is the guest count (set by the POS setup or an app)"),
      coverItemNames: z.array(z.string().min(1).max(512)).max(50).default([]).describe('Line items whose quantity is the guest count (e.g. a zero-priced "Cover" item), by name, case-insensitive'),
      coverCatalogObjectIds: z.array(squareId).max(50).default([]).describe('The same, by catalog object id'),
    })
    .default({ metadataKey: 'covers', coverItemNames: [], coverCatalogObjectIds: [] })
    .describe('How covers are read: order metadata first, else the quantity of cover line items, else 0'),
  serviceChargesAsRevenue: z.boolean().default(true).describe('Service charges (net of their tax) count as revenue of the order’s outlet'),
});
export type SquareSettings = z.infer<typeof squareSettings>;

/**
 * The seller's OAuth access token (or, for a single seller, its personal access token), and — once the
 * hotel has created the webhook subscription — the subscription's signature key and the exact
 * notification URL it was created with: Square signs the URL and the body together.
 */
export const squareCredentials = z.strictObject({
  accessToken: z.string().min(1).max(500),
  webhookSignatureKey: z.string().min(8).max(200).optional(),
  notificationUrl: z.url().max(2000).optional(),
});
export type SquareCredentials = z.infer<typeof squareCredentials>;
