import { z } from 'zod';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { TARGET_RESOURCES, reductionTargetSchema, type ReductionTarget, type TargetResource } from './targets.js';
import type { SustainabilityMetrics } from './metrics.js';

/**
 * A property's reduction targets (docs/gogreen.md, "Targets"): at most one per resource. The
 * monthly targets are not stored: they are derived from the baseline year's recorded months when
 * read, so they follow corrections of the baseline and the month in which they are asked.
 */
export const propertyTargetsSchema = z.strictObject({
  targets: z
    .array(reductionTargetSchema)
    .max(TARGET_RESOURCES.length)
    .refine((ts) => new Set(ts.map((t) => t.resource)).size === ts.length, { message: 'one target per resource' }),
});

export interface PropertyTargetsItem extends Item, OutboxCarrier {
  type: 'sustainabilityTargets';
  propertyId: string;
  targets: ReductionTarget[];
  updatedAt: string;
  updatedBy: string;
}

export const propertyTargetsId = (propertyId: string) => `targets:${propertyId}`;

export function targetsView(item: PropertyTargetsItem) {
  return { propertyId: item.propertyId, targets: item.targets, updatedAt: item.updatedAt, updatedBy: item.updatedBy };
}

/** The quantity of a metrics result a target of `resource` is set on. */
export function targetQuantity(m: SustainabilityMetrics, resource: TargetResource): number {
  switch (resource) {
    case 'energyKwh':
      return m.energy.totalKwh;
    case 'electricityKwh':
      return m.energy.electricityKwh;
    case 'waterM3':
      return m.water.countedM3;
    case 'carbonKg':
      return m.carbon.totalKg;
    case 'wasteKg':
      return m.waste.totalKg;
  }
}
