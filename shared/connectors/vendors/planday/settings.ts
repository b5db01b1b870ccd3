import { z } from 'zod';
import { overtimeRules, rateTable } from '../../labour/index.js';
import { vendorUrl } from '../../vendor-url.js';

const vendorId = z.string().regex(/^[0-9]{1,18}$/, 'a Planday id (digits)');
const departmentCode = z.string().min(1).max(64);

export const plandaySettings = z.strictObject({
  apiBaseUrl: vendorUrl().default('https://openapi.planday.com').describe('Planday Open API base URL'),
  tokenUrl: vendorUrl().default('https://id.planday.com/connect/token').describe("Planday's token endpoint (refresh-token grant)"),
  departmentIds: z.array(z.number().int().positive()).min(1).max(50).describe('The Planday departments whose punch clock records belong to this property'),
  departments: z.record(vendorId, departmentCode).default({}).describe('Planday department id → our department code; unmapped departments use their Planday name'),
  approvedOnly: z.boolean().default(false).describe('Only approved punch clock records count (payroll view); by default every completed record counts (hours worked)'),
  breaksPaid: z.boolean().default(false).describe('Whether punch clock breaks are paid (Planday states no paid flag on them)'),
  overtime: overtimeRules.default({ daily: [], weekly: [], weekStartsOn: 1 }),
  rates: rateTable.default({ byEmployee: {}, byRole: {} }).describe('Hourly rates: byEmployee keyed by Planday employee id, and a default (punch clock records name no role)'),
  reReadDays: z.number().int().min(0).max(62).default(14).describe('A scheduled pull re-reads the weeks from this many days before its window (Planday has no change feed for punch clock records; approvals and corrections come days later)'),
  pageSize: z.number().int().min(1).max(50).default(50),
});
export type PlandaySettings = z.infer<typeof plandaySettings>;

export const plandayCredentials = z.strictObject({
  clientId: z.string().min(1).max(200).describe('The App ID of the Planday API app (client_id and the X-ClientId header)'),
  refreshToken: z.string().min(1).max(4096).describe("The app's refresh token on the portal (API Access page, Token column)"),
});
export type PlandayCredentials = z.infer<typeof plandayCredentials>;
