import { z } from 'zod';

/**
 * The parts of the Connector API's responses we read (operations/*.md). Mews adds fields without a
 * new version, and an added field must not break a run: loose objects keep what we do not read, and
 * the bulk of a backfill (reservations, order items, blocks: thousands of objects of some forty
 * fields each) is stripped to the fields we read instead, since copying the rest was most of zod's
 * cost. Optional fields may be null (the reference's "optional").
 */
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const cursor = { Cursor: opt(z.string()) };

export const timeInterval = z.strictObject({ StartUtc: z.string(), EndUtc: z.string() });

export const configuration = z.looseObject({
  NowUtc: z.string(),
  Enterprise: z.looseObject({ Id: z.string(), Name: z.string(), TimeZoneIdentifier: z.string() }),
});

export const reservation = z.object({
  Id: z.string(),
  ServiceId: z.string(),
  State: z.string(),
  RateId: z.string(),
  UpdatedUtc: z.string(),
  ScheduledStartUtc: z.string(),
  ScheduledEndUtc: z.string(),
  AssignedResourceId: opt(z.string()),
  PersonCounts: z.array(z.object({ AgeCategoryId: z.string(), Count: z.number().int().min(0) })),
});
export type Reservation = z.infer<typeof reservation>;
export const reservationsPage = z.object({ Reservations: z.array(reservation), ...cursor });

const amount = z.object({ Currency: z.string(), NetValue: z.number(), GrossValue: z.number() });
export const orderItem = z.object({
  Id: z.string(),
  EnterpriseId: z.string(),
  ServiceId: z.string(),
  ServiceOrderId: z.string(),
  AccountingCategoryId: opt(z.string()),
  Amount: amount,
  UpdatedUtc: z.string(),
  ConsumedUtc: z.string(),
  AccountingState: z.string(),
  Type: z.string(),
});
export type OrderItem = z.infer<typeof orderItem>;
export const orderItemsPage = z.object({ OrderItems: z.array(orderItem), ...cursor });

export const resource = z.looseObject({ Id: z.string(), IsActive: z.boolean(), Name: z.string(), ParentResourceId: opt(z.string()) });
export const resourcesPage = z.looseObject({ Resources: opt(z.array(resource)), ...cursor });

export const resourceCategory = z.looseObject({ Id: z.string(), ServiceId: z.string(), IsActive: z.boolean(), Type: z.string() });
export const resourceCategoriesPage = z.looseObject({ ResourceCategories: z.array(resourceCategory), ...cursor });

export const categoryAssignment = z.looseObject({ Id: z.string(), IsActive: z.boolean(), ResourceId: z.string(), CategoryId: z.string() });
export const categoryAssignmentsPage = z.looseObject({ ResourceCategoryAssignments: z.array(categoryAssignment), ...cursor });

export const resourceBlock = z.object({
  Id: z.string(),
  AssignedResourceId: z.string(),
  IsActive: z.boolean(),
  Type: z.string(),
  StartUtc: z.string(),
  EndUtc: z.string(),
  UpdatedUtc: z.string(),
});
export type ResourceBlock = z.infer<typeof resourceBlock>;
export const resourceBlocksPage = z.object({ ResourceBlocks: z.array(resourceBlock), ...cursor });

export const accountingCategory = z.looseObject({
  Id: z.string(),
  IsActive: z.boolean(),
  Name: z.string(),
  Code: opt(z.string()),
  Classification: opt(z.string()),
});
export type AccountingCategory = z.infer<typeof accountingCategory>;
export const accountingCategoriesPage = z.looseObject({ AccountingCategories: z.array(accountingCategory), ...cursor });

/** A General Webhook message (events/wh-general.md): entity ids only. */
export const webhookMessage = z.looseObject({
  EnterpriseId: z.string(),
  IntegrationId: z.string(),
  Events: z.array(z.looseObject({ Discriminator: z.string(), Value: z.looseObject({ Id: z.string() }) })).max(10_000),
});
export type WebhookMessage = z.infer<typeof webhookMessage>;
