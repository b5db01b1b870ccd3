import { z } from 'zod';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { factorEntrySchema, factorTable, type FactorEntry, type FactorTable } from './factors.js';
import { SEED_FACTORS } from './seed-factors.js';

/**
 * A tenant's own emission factors (docs/gogreen.md, "Configuration"): tenant-wide items of the
 * sustainability container beside the seeded public table. Reports build the table at read time
 * (`tenantTable`), so a changed factor reprices every period it applies to without a recompute.
 */
export const factorIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64');

export interface EmissionFactorItem extends Item, OutboxCarrier {
  type: 'emissionFactor';
  factorId: string;
  entry: FactorEntry;
  updatedAt: string;
  updatedBy: string;
  /** Set on the tombstone that carries the deletion's audit event, just before the item is deleted. */
  deletedAt?: string;
}

export const emissionFactorItemId = (factorId: string) => `factor:${factorId}`;

export interface FactorView extends FactorEntry {
  /** The tenant's id of its own factor; null for a seeded one. */
  id: string | null;
  origin: 'seed' | 'tenant';
  updatedAt?: string;
}

export function factorViews(own: readonly EmissionFactorItem[]): FactorView[] {
  return [
    ...SEED_FACTORS.map((e): FactorView => ({ ...e, id: null, origin: 'seed' })),
    ...own.map((i): FactorView => ({ ...i.entry, id: i.factorId, origin: 'tenant', updatedAt: i.updatedAt })),
  ];
}

/** The seed plus the tenant's entries: what every footprint of the tenant is priced with. */
export function tenantTable(own: readonly EmissionFactorItem[]): FactorTable {
  return factorTable(SEED_FACTORS, own.map((i) => i.entry));
}

export const FACTORS_QUERY = "SELECT * FROM c WHERE c.type = 'emissionFactor' AND NOT IS_DEFINED(c.deletedAt)";

export { factorEntrySchema };
