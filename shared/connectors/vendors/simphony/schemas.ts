import { z } from 'zod';

/**
 * The parts of the BI API's answers we read (test/fixtures/vendors/simphony/PROVENANCE.md). Loose
 * objects: Oracle adds fields, and a field we don't read must never fail a run. Absent amounts
 * come as `null`, hence `nullish`.
 */

const amount = z.number().nullish();

const tax = z.looseObject({ taxNum: z.number().int().nullish(), taxCollTtl: amount });

const guestCheck = z.looseObject({
  guestCheckId: z.union([z.number(), z.string()]),
  opnBusDt: z.string().nullish(),
  clsdBusDt: z.string().nullish(),
  clsdFlag: z.boolean().nullish(),
  gstCnt: z.number().int().nullish(),
  subTtl: amount,
  chkTtl: amount,
  dscTtl: amount,
  vdTtl: amount,
  rvcNum: z.number().int().nullish(),
  taxes: z.array(tax).nullish(),
});
export type SimphonyGuestCheck = z.infer<typeof guestCheck>;

export const guestChecksResponse = z.looseObject({
  locRef: z.string().nullish(),
  guestChecks: z.array(guestCheck).nullish(),
});

/**
 * One revenue center's totals in `getOperationsDailyTotals` (`opDailyTotals.revenueCenters[]`): net
 * sales, tax collected, item and subtotal discounts (negative: reductions), voids, guest and check
 * counts.
 */
const revenueCenterTotals = z.looseObject({
  rvcNum: z.number().int(),
  netSlsTtl: amount,
  taxCollTtl: amount,
  itmDscTtl: amount,
  subDscTtl: amount,
  vdTtl: amount,
  gstCnt: z.number().int().nullish(),
  chkCnt: z.number().int().nullish(),
});
export type SimphonyRevenueCenterTotals = z.infer<typeof revenueCenterTotals>;

/** `opDailyTotals`: `busDt`, `locRef` and `revenueCenters` are required in Oracle's schema. */
export const operationsDailyTotalsResponse = z.looseObject({
  busDt: z.string(),
  locRef: z.string(),
  revenueCenters: z.array(revenueCenterTotals),
});
export type SimphonyDailyTotals = z.infer<typeof operationsDailyTotalsResponse>;

/** The sign-in answer: the authorization code is in `redirectUrl`'s `code` query parameter. */
export const signInResponse = z.looseObject({ redirectUrl: z.string() });

/** The token endpoint's answer: the BI API takes the `id_token` as the bearer token; the `refresh_token` renews it. */
export const tokenResponse = z.looseObject({ id_token: z.string().min(1), refresh_token: z.string().min(1).nullish(), expires_in: z.number().nullish() });
