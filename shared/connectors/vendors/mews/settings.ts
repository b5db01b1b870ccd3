import { z } from 'zod';
import { vendorUrl } from '../../vendor-url.js';

/** Accounting category classifications of the Connector API (operations/accountingcategories.md). */
export const CLASSIFICATIONS = [
  'Accommodation',
  'FoodAndBeverage',
  'Taxes',
  'Payments',
  'ExternalRevenue',
  'SundryIncome',
  'Wellness',
  'Sport',
  'Technology',
  'Facilities',
  'Events',
  'Tourism',
] as const;

/** Resource category types that are rooms we sell (operations/resources.md, Resource category type). */
const ROOM_TYPES = ['Room', 'Suite', 'Apartment', 'Villa', 'Dorm', 'Bed'] as const;

const departmentCode = z.string().min(1).max(64);

/**
 * Where revenue of each accounting category goes: our department code (mapped to a department by
 * the integration's mappings, like any source code) or null for what is not revenue (taxes,
 * payments). Defaults follow the category's Mews classification; a category's own Code overrides.
 */
export const DEFAULT_DEPARTMENTS: Record<(typeof CLASSIFICATIONS)[number] | 'Unclassified', string | null> = {
  Accommodation: 'ROOMS',
  FoodAndBeverage: 'FB',
  Taxes: null,
  Payments: null,
  ExternalRevenue: 'OTHER',
  SundryIncome: 'OTHER',
  Wellness: 'SPA',
  Sport: 'OTHER',
  Technology: 'OTHER',
  Facilities: 'OTHER',
  Events: 'EVENTS',
  Tourism: 'OTHER',
  Unclassified: 'OTHER',
};

export const mewsSettings = z.strictObject({
  baseUrl: vendorUrl().default('https://api.mews.com').describe('Platform address of the Connector API (demo: https://api.mews-demo.com)'),
  client: z.string().min(1).max(100).default('PMI 1.0.0').describe('The `Client` name and version sent in every request'),
  enterpriseId: z.uuid().describe('Mews Enterprise id of the property (a portfolio token spans several)'),
  serviceId: z.uuid().describe('Id of the bookable accommodation Service whose reservations are rooms'),
  roomCategoryTypes: z.array(z.enum(ROOM_TYPES)).min(1).default(['Room', 'Suite', 'Apartment', 'Villa']).describe('Resource category types counted as rooms'),
  complimentaryRateIds: z.array(z.uuid()).max(100).default([]).describe('Rates whose reservations are complimentary rooms (occupied, not sold)'),
  amounts: z.enum(['net', 'gross']).default('net').describe('Revenue net of tax (USALI) or gross'),
  departments: z
    .strictObject({
      byClassification: z.partialRecord(z.enum([...CLASSIFICATIONS, 'Unclassified']), departmentCode.nullable()).default({}),
      byCategoryCode: z.record(z.string().min(1).max(64), departmentCode.nullable()).default({}),
    })
    .default({ byClassification: {}, byCategoryCode: {} })
    .describe('Accounting category → department code; null excludes a category; unset classifications use the defaults'),
  revenueAccount: z.string().min(1).max(64).default('MEWS-REVENUE').describe('The AMS account revenue postings carry (map it to the USALI revenue line)'),
  pageSize: z.number().int().min(1).max(1000).default(1000),
});
export type MewsSettings = z.infer<typeof mewsSettings>;

export const mewsCredentials = z.strictObject({
  clientToken: z.string().min(1).max(200),
  accessToken: z.string().min(1).max(200),
  /** The secret Mews appends to our webhook URL as `?Token=` (events/wh-faq.md); absent: push is refused. */
  webhookToken: z.string().min(16).max(200).optional(),
});
export type MewsCredentials = z.infer<typeof mewsCredentials>;

/** The department code of an accounting category under the settings; null: not revenue. */
export function departmentOf(settings: MewsSettings, category: { Code?: string | null; Classification?: string | null } | undefined): string | null {
  if (category?.Code && category.Code in settings.departments.byCategoryCode) return settings.departments.byCategoryCode[category.Code] ?? null;
  const key = (category?.Classification ?? 'Unclassified') as keyof typeof DEFAULT_DEPARTMENTS;
  const chosen = settings.departments.byClassification[key];
  if (chosen !== undefined) return chosen;
  return key in DEFAULT_DEPARTMENTS ? DEFAULT_DEPARTMENTS[key] : DEFAULT_DEPARTMENTS.Unclassified;
}
