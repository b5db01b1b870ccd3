import { z } from 'zod';

const multiplier = z.number().min(1).max(10);
const threshold = z.number().min(0).max(168);
const rate = z.number().min(0).max(100_000).describe('Hourly wage in the property currency');
const key = z.string().min(1).max(100);

/** Hours beyond `after` (per business date or per week) are paid at `multiplier`; higher tiers start later. */
const tier = z.strictObject({ after: threshold, multiplier });

/**
 * Overtime rules of an integration: daily tiers (e.g. ×1.5 after 8 h, ×2 after 12 h on one business
 * date) and weekly tiers over the hours that were not daily overtime (no pyramiding), weeks starting
 * on `weekStartsOn` (0 = Sunday … 6 = Saturday) in business dates.
 */
export const overtimeRules = z
  .strictObject({
    daily: z.array(tier).max(5).default([]),
    weekly: z.array(tier).max(5).default([]),
    weekStartsOn: z.number().int().min(0).max(6).default(1),
  })
  .describe('Overtime multipliers by daily and weekly thresholds (hours)');
export type OvertimeRules = z.infer<typeof overtimeRules>;

/**
 * Wage rates we hold for an integration, for vendors that state none or where the hotel overrides
 * them: per employee (keyed by the vendor's employee id, never the employee number), per role, and a
 * default. Precedence: employee, then the vendor's rate, then role, then default.
 */
export const rateTable = z
  .strictObject({
    byEmployee: z.record(key, rate).default({}),
    byRole: z.record(key, rate).default({}),
    default: rate.optional(),
  })
  .describe('Hourly wage rates: per vendor employee id, per role, default');
export type RateTable = z.infer<typeof rateTable>;

export const DEFAULT_OVERTIME: OvertimeRules = { daily: [], weekly: [], weekStartsOn: 1 };
export const EMPTY_RATES: RateTable = { byEmployee: {}, byRole: {} };
