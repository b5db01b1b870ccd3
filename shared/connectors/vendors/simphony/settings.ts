import { z } from 'zod';
import { code } from '../../../integrations/formats/common.js';
import { oneLocationPerOutlet } from '../../pos-days.js';
import { vendorUrl } from '../../vendor-url.js';

const trimmedUrl = () => vendorUrl().transform((u) => u.replace(/\/+$/, ''));

/** Simphony's location reference (a store number or name, at most 99 characters: BI API `locRef`). */
const locRef = z.string().min(1).max(99);
/** A revenue center number (BI API `rvcNum`, an integer), as a settings key. */
const rvcNum = z.string().regex(/^\d{1,10}$/, 'a revenue center number');

const location = z.strictObject({
  locRef: locRef.describe('The Simphony location reference (locRef) of this property'),
  outlet: code.optional().describe('Our outlet code of the location’s sales whose revenue center is not mapped (default: the locRef)'),
  byRevenueCenter: z.record(rvcNum, code).default({}).describe('Simphony revenue center number (rvcNum) → our outlet code'),
});
export type SimphonyLocationSettings = z.infer<typeof location>;

/** Every outlet code a location's checks can post to. */
export function outletsOfLocation(l: SimphonyLocationSettings): string[] {
  return [...new Set([l.outlet ?? l.locRef, ...Object.values(l.byRevenueCenter)])].sort();
}

export const simphonySettings = z
  .strictObject({
    baseUrl: trimmedUrl().describe('The Business Intelligence API host Oracle issued (requests go to {baseUrl}/bi/v1/{orgShortName}/…)'),
    authUrl: trimmedUrl().optional().describe('The host of the OpenID provider (…/oidc-provider/v1/oauth2/…) when it is not baseUrl'),
    orgShortName: z.string().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -').describe('The enterprise’s organization short name'),
    locations: z.array(location).min(1).max(10).describe('The Simphony locations of this property and how their revenue centers map to outlets'),
  })
  .superRefine((s, ctx) => {
    oneLocationPerOutlet(ctx, { path: 'locations', keyField: 'locRef', noun: 'location' }, s.locations.map((l) => ({ key: l.locRef, outlets: outletsOfLocation(l) })));
  });
export type SimphonySettings = z.infer<typeof simphonySettings>;

/** The BI API account (Reporting and Analytics → API account): its client id, user name and password. */
export const simphonyCredentials = z.strictObject({
  clientId: z.string().min(1).max(500),
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(500),
});
export type SimphonyCredentials = z.infer<typeof simphonyCredentials>;
