import { z } from 'zod';
import { overtimeRules, rateTable } from '../../labour/index.js';
import { vendorUrl } from '../../vendor-url.js';

const vendorId = z.string().regex(/^[0-9]{1,18}$/, 'a Deputy id (digits)');
const departmentCode = z.string().min(1).max(64);

export const deputySettings = z.strictObject({
  installUrl: vendorUrl().describe('The Deputy install, https://{install}.{geo}.deputy.com (the API is under /api/v1/)'),
  locationIds: z.array(z.number().int().positive()).min(1).max(20).describe('Deputy locations (Company ids) whose areas belong to this property'),
  departments: z.record(vendorId, departmentCode).default({}).describe('Deputy area (OperationalUnit id) → our department code; unmapped areas use their Deputy name'),
  approvedOnly: z.boolean().default(false).describe('Only timesheets with TimeApproved count; by default every finished timesheet counts'),
  vendorCosts: z.boolean().default(true).describe("Derive each timesheet's hourly rate from the Cost Deputy states (our per-employee rates still win)"),
  overtime: overtimeRules.default({ daily: [], weekly: [], weekStartsOn: 1 }),
  rates: rateTable.default({ byEmployee: {}, byRole: {} }).describe('Hourly rates: byEmployee keyed by Deputy Employee id, byRole by Deputy area (OperationalUnit) id'),
  pageSize: z.number().int().min(1).max(500).default(500),
});
export type DeputySettings = z.infer<typeof deputySettings>;

export const deputyCredentials = z.strictObject({
  /** A permanent token (or an OAuth access token) of a Deputy user allowed to read timesheets: `Authorization: Bearer`. */
  accessToken: z.string().min(1).max(2000),
  /**
   * Deputy does not sign webhooks: the webhook's Address carries `?token=<webhookToken>`, compared in
   * constant time. Absent: pushes are refused.
   */
  webhookToken: z.string().min(24).max(200).optional(),
});
export type DeputyCredentials = z.infer<typeof deputyCredentials>;
