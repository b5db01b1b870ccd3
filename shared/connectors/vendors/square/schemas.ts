import { z } from 'zod';

/**
 * The parts of Square's responses and webhook events we read (test/fixtures/vendors/square/: Orders
 * and Locations of the 2024-10-17 specification, the order.created/order.updated event schemas).
 * Loose objects: Square adds fields to an API version's objects, and a field we don't read must never
 * fail a run.
 */

/** Square's Money: an amount in the currency's smallest unit (cents) and an ISO 4217 code. */
const money = z.looseObject({ amount: z.number().int(), currency: z.string().optional() });

const lineItem = z.looseObject({
  uid: z.string().optional(),
  name: z.string().optional(),
  quantity: z.string(),
  catalog_object_id: z.string().optional(),
  total_money: money.optional(),
  total_tax_money: money.optional(),
  total_discount_money: money.optional(),
  total_service_charge_money: money.optional(),
});

const serviceCharge = z.looseObject({
  total_money: money.optional(),
  total_tax_money: money.optional(),
});

/** OrderReturnLineItem: what an itemized return or a custom-amount refund (`item_type` CUSTOM_AMOUNT) gives back. */
const returnLineItem = z.looseObject({
  uid: z.string().optional(),
  name: z.string().optional(),
  quantity: z.string(),
  item_type: z.string().optional(),
  catalog_object_id: z.string().optional(),
  total_money: money.optional(),
  total_tax_money: money.optional(),
  total_discount_money: money.optional(),
  total_service_charge_money: money.optional(),
});

/** OrderReturn: one per sale order a return order gives items back from (`source_order_id`, unset for unlinked returns). */
const orderReturn = z.looseObject({
  source_order_id: z.string().optional(),
  return_line_items: z.array(returnLineItem).optional(),
  return_service_charges: z.array(serviceCharge).optional(),
});

/** Refund: the tender side of a return order (money back to the buyer); its `status` says whether it went through. */
const refund = z.looseObject({
  id: z.string().optional(),
  status: z.string().optional(),
  created_at: z.string().optional(),
  amount_money: money.optional(),
});

export const order = z.looseObject({
  id: z.string(),
  location_id: z.string(),
  // A state Square adds later is read as a string and counts as not completed.
  state: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  closed_at: z.string().optional(),
  line_items: z.array(lineItem).optional(),
  service_charges: z.array(serviceCharge).optional(),
  returns: z.array(orderReturn).optional(),
  refunds: z.array(refund).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type SquareOrder = z.infer<typeof order>;
export type SquareLineItem = z.infer<typeof lineItem>;
export type SquareReturnLineItem = z.infer<typeof returnLineItem>;

export const searchOrdersResponse = z.looseObject({
  orders: z.array(order).optional(),
  cursor: z.string().optional(),
});

export const batchRetrieveOrdersResponse = z.looseObject({
  orders: z.array(order).optional(),
});

const businessHoursPeriod = z.looseObject({ day_of_week: z.string().optional(), start_local_time: z.string().optional(), end_local_time: z.string().optional() });

const location = z.looseObject({
  id: z.string(),
  business_hours: z.looseObject({ periods: z.array(businessHoursPeriod).optional() }).optional(),
  timezone: z.string().optional(),
  merchant_id: z.string().optional(),
  currency: z.string().optional(),
  status: z.string().optional(),
});
export type SquareLocation = z.infer<typeof location>;

export const listLocationsResponse = z.looseObject({ locations: z.array(location).optional() });

/** order.created / order.updated (OrderCreatedEvent, OrderUpdatedEvent): thin, the order is read back. */
const orderEventObject = z.looseObject({ order_id: z.string().optional(), location_id: z.string().optional(), state: z.string().optional() });
export const webhookEvent = z.looseObject({
  merchant_id: z.string().nullish(),
  type: z.string(),
  event_id: z.string().min(1),
  created_at: z.string().optional(),
  data: z
    .looseObject({
      type: z.string().nullish(),
      id: z.string().optional(),
      object: z.looseObject({ order_created: orderEventObject.nullish(), order_updated: orderEventObject.nullish() }).nullish(),
    })
    .nullish(),
});
export type SquareWebhookEvent = z.infer<typeof webhookEvent>;
