import { z } from 'zod';
import { code } from '../../../integrations/formats/common.js';
import { vendorUrl } from '../../vendor-url.js';

/** Where one kind of revenue lands: our department code (mapped to a department by the integration) and our account (mapped to a USALI line). */
const revenueTarget = z.strictObject({ department: code, account: z.string().min(1).max(64) });
export type RevenueTarget = z.infer<typeof revenueTarget>;

/**
 * The default revenue mapping of services: breakfast (apaleo's demo service code BRKF) to food and
 * beverage, every other service to other operated departments. A hotel edits it in the integration's
 * settings; the department and account codes are then mapped like any other source's. Accommodation
 * is not posted: it is the `pms` room revenue, the rooms department's source of record (an AMS posting
 * to rooms would add to it as an adjustment).
 */
export const DEFAULT_REVENUE_MAPPING = {
  services: { BRKF: { department: 'FB', account: 'FB' } },
  otherServices: { department: 'OTHER', account: 'OTHER' },
} as const;

export const apaleoSettings = z.strictObject({
  propertyId: z.string().min(1).max(64).describe("apaleo property id (e.g. 'MUC')"),
  apiBaseUrl: vendorUrl().default('https://api.apaleo.com').describe('apaleo API base URL; default https://api.apaleo.com'),
  identityBaseUrl: vendorUrl().default('https://identity.apaleo.com').describe('apaleo identity server (token endpoint /connect/token); default https://identity.apaleo.com'),
  revenueBasis: z.enum(['net', 'gross']).default('net').describe('Room and service revenue net (default) or gross of VAT'),
  complimentaryRatePlanCodes: z.array(z.string().min(1).max(64)).max(200).default([]).describe('Rate plan codes whose nights are complimentary (occupied, not sold); a night priced 0 is complimentary too'),
  excludedUnitGroupIds: z.array(z.string().min(1).max(64)).max(200).default([]).describe('Unit groups that are not guest rooms (meeting rooms, parking): neither available nor sold'),
  revenueMapping: z
    .strictObject({
      services: z.record(z.string().min(1).max(64), revenueTarget).describe('By apaleo service code'),
      otherServices: revenueTarget.describe('Services whose code is not listed'),
    })
    .default({ services: { BRKF: { ...DEFAULT_REVENUE_MAPPING.services.BRKF } }, otherServices: { ...DEFAULT_REVENUE_MAPPING.otherServices } })
    .describe('Revenue of the services booked with stays, by department; accommodation is the pms room revenue'),
});
export type ApaleoSettings = z.infer<typeof apaleoSettings>;

/**
 * An apaleo client-credentials app (Apps → Connected apps → custom app), and how apaleo's webhooks
 * authenticate to us: a token in the subscription URL (`?token=`) and/or basic auth, as the hotel set
 * the subscription up.
 */
export const apaleoCredentials = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  webhookToken: z.string().min(24).max(200).optional(),
  webhookBasic: z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(12).max(200) }).optional(),
});
export type ApaleoCredentials = z.infer<typeof apaleoCredentials>;
