import { z } from 'zod';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { floorAreasSchema } from './metrics.js';
import { GWP_ASSESSMENTS, SCOPE2_BASES } from './factors.js';
import { degreeDayBasesSchema } from './degree-days.js';
import { anomalyRuleSchema } from './expected.js';

/**
 * The GoGreen configuration of one property (docs/gogreen.md, "Configuration"): what the core's
 * metrics need besides consumption and PMS occupancy. Occupied rooms and guest nights are not kept
 * here: they are read from the property's R&P aggregates when a report is made.
 */
export const propertySettingsSchema = z.strictObject({
  areas: floorAreasSchema,
  /** Rooms of the hotel; the property's rooms available when absent. */
  rooms: z.number().int().positive().optional(),
  /** ISO 3166-1 alpha-2: the grid of the location-based electricity factor. */
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
  scope2Basis: z.enum(SCOPE2_BASES).default('location'),
  /** The supplier contract whose market-based factor prices grid electricity when no reading names one. */
  supplierContractId: z.string().min(1).max(100).optional(),
  gwpAssessment: z.enum(GWP_ASSESSMENTS).default('AR5'),
  degreeDays: degreeDayBasesSchema.default({ heatingBaseC: 15.5, coolingBaseC: 22 }),
  anomalyRule: anomalyRuleSchema.default({ marginPct: 15, minDays: 3 }),
});
export type PropertySettings = z.infer<typeof propertySettingsSchema>;

export interface PropertySettingsItem extends Item, OutboxCarrier, PropertySettings {
  type: 'sustainabilityProperty';
  propertyId: string;
  updatedAt: string;
  updatedBy: string;
}

export const propertySettingsId = (propertyId: string) => `gogreen:${propertyId}`;

export type PropertySettingsView = PropertySettings & { propertyId: string; updatedAt: string; updatedBy: string };

export function propertySettingsView(item: PropertySettingsItem): PropertySettingsView {
  const { id: _i, tenantId: _t, type: _y, _etag, _ts, pendingMessages: _p, pendingSince: _s, ...view } = item;
  return view;
}
