import { z } from 'zod';

/**
 * The parts of Toast's responses we read (test/fixtures/vendors/toast/: the orders API 2.9.0,
 * restaurants API 1.0.0 and authentication API 1.0.0 documents). Loose objects: Toast adds fields
 * to its objects, and a field we don't read must never fail a run. Toast sends `null` for absent
 * references and amounts, hence `nullish`.
 */

const reference = z.looseObject({ guid: z.string().nullish() }).nullish();
const amount = z.number().nullish();

const appliedDiscount = z.looseObject({ discountAmount: amount });

/** RefundDetails: the pre-tax value and the tax refunded for a selection or service charge, and the refund transaction it was part of. */
const refundDetails = z
  .looseObject({
    refundAmount: amount,
    taxRefundAmount: amount,
    refundTransaction: reference,
  })
  .nullish();

const selection = z.looseObject({
  voided: z.boolean().nullish(),
  appliedDiscounts: z.array(appliedDiscount).nullish(),
  refundDetails,
});

const appliedServiceCharge = z.looseObject({ refundDetails });

/** A payment's Refund: the amount without the tip, its business date (yyyyMMdd) and the transaction the refunded items name. */
const payment = z.looseObject({
  refund: z
    .looseObject({
      refundAmount: amount,
      refundBusinessDate: z.number().int().nullish(),
      refundDate: z.string().nullish(),
      refundTransaction: reference,
    })
    .nullish(),
});

const check = z.looseObject({
  guid: z.string().nullish(),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  amount,
  taxAmount: amount,
  appliedDiscounts: z.array(appliedDiscount).nullish(),
  selections: z.array(selection).nullish(),
  appliedServiceCharges: z.array(appliedServiceCharge).nullish(),
  payments: z.array(payment).nullish(),
});
export type ToastCheck = z.infer<typeof check>;

export const order = z.looseObject({
  guid: z.string(),
  // yyyyMMdd as an integer ("Response only")
  businessDate: z.number().int().nullish(),
  modifiedDate: z.string().nullish(),
  voided: z.boolean().nullish(),
  deleted: z.boolean().nullish(),
  numberOfGuests: z.number().int().nullish(),
  revenueCenter: reference,
  diningOption: reference,
  checks: z.array(check).nullish(),
});
export type ToastOrder = z.infer<typeof order>;

export const ordersBulkResponse = z.array(order);

export const restaurantInfo = z.looseObject({
  guid: z.string().nullish(),
  general: z.looseObject({ timeZone: z.string().nullish(), closeoutHour: z.number().int().nullish(), currencyCode: z.string().nullish() }).nullish(),
});
export type ToastRestaurantInfo = z.infer<typeof restaurantInfo>;

/** AuthenticationResponse: the token is in `token.accessToken`, its life in seconds in `token.expiresIn`. */
export const authenticationResponse = z.looseObject({
  token: z.looseObject({ accessToken: z.string().min(1), expiresIn: z.number().nullish() }),
});

/**
 * An orders webhook notification (Toast's webhook guide): an envelope naming the event and, in
 * `details`, the restaurant and the order. Only the GUIDs are read: the order is read back.
 */
export const webhookEvent = z.looseObject({
  guid: z.string().nullish(),
  eventCategory: z.string().nullish(),
  eventType: z.string(),
  details: z
    .looseObject({
      restaurantGuid: z.string().nullish(),
      order: z.looseObject({ guid: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
