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

/** The sign-in answer: the authorization code is in `redirectUrl`'s `code` query parameter. */
export const signInResponse = z.looseObject({ redirectUrl: z.string() });

/** The token endpoint's answer: the BI API takes the `id_token` as the bearer token. */
export const tokenResponse = z.looseObject({ id_token: z.string().min(1), expires_in: z.number().nullish() });
