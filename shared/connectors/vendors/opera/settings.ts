import { z } from 'zod';
import { vendorUrl } from '../../vendor-url.js';

/** The OHIP application key format (Oracle's `x-app-key` parameter pattern). */
const APP_KEY = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}$/;

export const operaSettings = z.strictObject({
  gatewayUrl: vendorUrl().describe('OHIP gateway URL of the region, e.g. https://<gateway>.hospitality-api.<region>.ocs.oraclecloud.com'),
  hotelId: z.string().min(1).max(20).describe('OPERA Cloud hotel (property) code, sent as x-hotelid and in the paths'),
  externalSystemCode: z.string().min(1).max(40).describe('External system code configured for this integration in OPERA Cloud (path of the asynchronous statistics API)'),
  scope: z.string().min(1).max(200).default('urn:opc:hgbu:ws:__myscopes__').describe('OAuth scope of the client-credentials grant'),
  enterpriseId: z
    .string()
    .regex(/^[A-Z0-9]{1,8}$/)
    .optional()
    .describe('Enterprise id; only for client-credentials tokens in OCIM environments'),
  revenueAccount: z.string().min(1).max(64).default('REVENUE').describe('Account the AMS revenue lines are filed under (mapped to a USALI line by the integration)'),
  departments: z
    .record(z.string().min(1).max(20), z.string().min(1).max(64))
    .default({})
    .describe('OPERA transaction code or transaction group → department code; unmapped codes use their transaction group'),
  reReadDays: z.number().int().min(1).max(60).default(7).describe('Business dates before today every scheduled pull re-reads (night-audit corrections)'),
  aheadDays: z.number().int().min(0).max(500).default(365).describe('Future dates every scheduled pull reads (on-the-books)'),
});
export type OperaSettings = z.infer<typeof operaSettings>;

export const operaCredentials = z.strictObject({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  appKey: z.string().regex(APP_KEY, 'must be the OHIP application key (a UUID)').describe('Application key of the app registered in the OHIP developer portal, sent as x-app-key'),
});
export type OperaCredentials = z.infer<typeof operaCredentials>;
