import { z } from 'zod';

/**
 * The parts of apaleo's responses we read (Booking v1 ReservationListModel/ReservationModel,
 * Inventory v1 PropertyModel/UnitListModel/UnitModel, test/fixtures/vendors/apaleo/). Loose objects:
 * apaleo adds fields without a new API version, and a field we don't read must never fail a run.
 */

const amount = z.looseObject({ grossAmount: z.number(), netAmount: z.number() });
const embedded = z.looseObject({ id: z.string(), code: z.string().optional() });

const includedService = z.looseObject({
  service: embedded,
  serviceDate: z.iso.date(),
  amount,
});

const timeSlice = z.looseObject({
  serviceDate: z.iso.date(),
  ratePlan: embedded,
  unitGroup: embedded,
  baseAmount: amount,
  includedServices: z.array(includedService).optional(),
});

export const RESERVATION_STATUSES = ['Confirmed', 'InHouse', 'CheckedOut', 'Canceled', 'NoShow'] as const;

export const reservation = z.looseObject({
  id: z.string(),
  // A status apaleo adds later is read as a string and treated like a cancellation (not counted) rather than failing the run.
  status: z.string(),
  property: embedded,
  ratePlan: embedded,
  unitGroup: embedded,
  arrival: z.string(),
  departure: z.string(),
  modified: z.string().optional(),
  adults: z.number().int(),
  childrenAges: z.array(z.number()).optional(),
  timeSlices: z.array(timeSlice).optional(),
});
export type Reservation = z.infer<typeof reservation>;

export const reservationList = z.looseObject({ reservations: z.array(reservation), count: z.number().int() });

const maintenanceType = z.string();
export const unitItem = z.looseObject({
  id: z.string(),
  property: embedded,
  unitGroup: embedded.optional(),
  status: z.looseObject({ maintenance: z.looseObject({ id: z.string(), type: maintenanceType }).optional() }),
});
export type UnitItem = z.infer<typeof unitItem>;
export const unitList = z.looseObject({ units: z.array(unitItem), count: z.number().int() });

export const unit = z.looseObject({
  id: z.string(),
  unitGroup: embedded.optional(),
  status: z.looseObject({
    maintenance: z.looseObject({ id: z.string(), type: maintenanceType, from: z.string(), to: z.string() }).optional(),
  }),
});
export type Unit = z.infer<typeof unit>;

export const property = z.looseObject({ id: z.string(), code: z.string(), timeZone: z.string(), currencyCode: z.string() });
export type Property = z.infer<typeof property>;

/** An apaleo webhook event: thin — the entity's id, never the entity. */
export const webhookEvent = z.looseObject({
  id: z.string().optional(),
  topic: z.string(),
  type: z.string(),
  propertyId: z.string().optional(),
  accountId: z.string().optional(),
  data: z.looseObject({ entityId: z.string().optional() }).optional(),
  timestamp: z.number().optional(),
});
export type WebhookEvent = z.infer<typeof webhookEvent>;
