import { z } from 'zod';

/**
 * The parts of OHIP responses the connector reads, from Oracle's Swagger documents (see
 * test/fixtures/vendors/opera/). Objects are loose: OHIP adds fields release after release, and an
 * added field must not break a run. Figures the documents type as strings (revenue inventory
 * statistics) or numbers — and whose examples sometimes disagree (`"value": "1"`) — are coerced.
 */

const figure = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v.trim() === '' ? '0' : v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: '${String(v)}'` });
    return z.NEVER;
  }
  return n;
});
const optionalFigure = figure.optional();
/** OHIP dates are `YYYY-MM-DD`, sometimes followed by a time; business dates are the first ten characters. */
const businessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must start with YYYY-MM-DD').transform((s) => s.slice(0, 10));

/** POST /oauth/v1/tokens (OAuth2TokenResponse). */
export const tokenResponse = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().int().optional(), token_type: z.string().optional() });

/** GET …/revenueInventoryStatistics/{requestId} (revenueInventoryStatisticsDetails). */
export const revenueInventoryStatistics = z.looseObject({
  revInvStats: z
    .array(
      z.looseObject({
        occupancyDate: businessDate,
        physicalRooms: optionalFigure,
        ooRooms: optionalFigure,
        osRooms: optionalFigure,
        roomsSold: optionalFigure,
        roomRevenue: optionalFigure,
        roomArrivals: optionalFigure,
        roomDepartures: optionalFigure,
        foodRevenue: optionalFigure,
        totalRevenue: optionalFigure,
      }),
    )
    .default([]),
});
export type RevenueInventoryStatistic = z.infer<typeof revenueInventoryStatistics>['revInvStats'][number];

/** GET /inv/v1/hotels/{hotelId}/inventoryStatistics (inventoryStatistics: an array of statisticType). */
export const inventoryStatistics = z.array(
  z.looseObject({
    statistics: z
      .array(
        z.looseObject({
          statCode: z.string().optional(),
          statCategoryCode: z.string().optional(),
          statisticDate: z
            .array(
              z.looseObject({
                statisticDate: businessDate,
                inventory: z.array(z.looseObject({ code: z.string(), value: figure })).default([]),
              }),
            )
            .default([]),
        }),
      )
      .default([]),
  }),
);
export type InventoryStatistics = z.infer<typeof inventoryStatistics>;

const amount = z.looseObject({ amount: z.number().optional() });

/** GET /csh/v1/hotels/{hotelId}/financialPostings (financialPostings). */
export const financialPostings = z.looseObject({
  journalPostings: z
    .looseObject({
      postings: z
        .array(
          z.looseObject({
            transactionNo: z.number().optional(),
            transactionCode: z.string().optional(),
            transactionType: z.string().optional(),
            transactionAmount: z.number().optional(),
            postedAmount: amount.optional(),
            transactionDate: businessDate.optional(),
            revenueDate: businessDate.optional(),
          }),
        )
        .default([]),
      transactionCodes: z.array(z.looseObject({ transactionCode: z.string().optional(), transactionGroup: z.string().optional(), transactionSubGroup: z.string().optional() })).default([]),
    })
    .optional(),
  hasMore: z.boolean().optional(),
  count: z.number().int().optional(),
  totalResults: z.number().int().optional(),
});
export type FinancialPostingsPage = z.infer<typeof financialPostings>;
export type FinancialPosting = NonNullable<FinancialPostingsPage['journalPostings']>['postings'][number];

/** GET /lov/v1/listOfValues/hotels/{hotelId}/roomRevenueTrxCodes (listOfValues). */
export const listOfValues = z.looseObject({
  listOfValues: z.looseObject({ items: z.array(z.looseObject({ code: z.string().optional() })).default([]) }).optional(),
});
