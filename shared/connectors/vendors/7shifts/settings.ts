import { z } from 'zod';
import { overtimeRules, rateTable } from '../../labour/index.js';
import { vendorUrl } from '../../vendor-url.js';

const vendorId = z.string().regex(/^[0-9]{1,18}$/, 'a 7shifts id (digits)');
const departmentCode = z.string().min(1).max(64);

export const sevenShiftsSettings = z.strictObject({
  apiBaseUrl: vendorUrl().default('https://api.7shifts.com').describe('7shifts API v2 base URL'),
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default('2023-05-01')
    .describe('The `x-api-version` header: the dated API version whose shapes the connector reads'),
  companyId: z.number().int().positive().describe('The 7shifts company id'),
  locationIds: z.array(z.number().int().positive()).min(1).max(20).describe('The 7shifts locations whose punches belong to this property'),
  departments: z.record(vendorId, departmentCode).default({}).describe('7shifts department id → our department code; unmapped departments use their 7shifts name'),
  approvedOnly: z.boolean().default(false).describe('Only approved punches count (payroll view); by default every completed punch counts (hours worked)'),
  vendorWages: z.boolean().default(true).describe("Use the hourly wage 7shifts states on each punch (our per-employee rates still win)"),
  overtime: overtimeRules.default({ daily: [], weekly: [], weekStartsOn: 1 }),
  rates: rateTable.default({ byEmployee: {}, byRole: {} }).describe('Hourly rates: byEmployee keyed by 7shifts user id, byRole by 7shifts role id'),
  pageSize: z.number().int().min(1).max(500).default(500),
});
export type SevenShiftsSettings = z.infer<typeof sevenShiftsSettings>;

export const sevenShiftsCredentials = z.strictObject({
  /** Bearer token: a company access token (Company settings → Developer tools) or a partner's OAuth token. */
  accessToken: z.string().min(1).max(2000),
  /**
   * The company's GUID (OAuth grant GUID, also the `x-company-guid` header): 7shifts signs webhooks
   * with the key `{x-hmac-timestamp}#{guid}`. Absent: pushes are refused.
   */
  companyGuid: z.string().min(8).max(200).optional(),
});
export type SevenShiftsCredentials = z.infer<typeof sevenShiftsCredentials>;
