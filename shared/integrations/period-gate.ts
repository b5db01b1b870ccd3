import type { SourceType } from './formats/index.js';
import type { LabourCostReader } from './aggregate.js';
import type { FactDraft } from './normalise.js';

/** One import's normalised changes, as the processor is about to write them. */
export interface GatedBatch {
  tenantId: string;
  propertyId: string;
  integrationId: string;
  importId: string;
  /** The processing run: with the import id, it names the adjustment deterministically. */
  run: number;
  sourceType: SourceType;
  upserts: FactDraft[];
  /** Fact ids to remove. */
  deletions: string[];
  /** Opens a time record's sealed labour cost (FactStore's reader), for the before/after figures. */
  labourCost: LabourCostReader;
}

/** What the processor writes now, and what the gate held back for approval. */
export interface GateOutcome {
  upserts: FactDraft[];
  deletions: string[];
  /** Upserts and deletions held (0 when nothing fell into a locked month or nothing would change there). */
  held: number;
  /** The pending adjustment holding them (absent when nothing was held). */
  adjustmentId?: string;
}

/**
 * The port through which the import pipeline respects locked periods (docs/planning.md, "Period
 * locking and pending adjustments"). Planning implements it; the composition root injects it, so
 * integrations depend on no planning code. Without a gate nothing is held.
 */
export interface PeriodGate {
  /**
   * Splits a batch: changes that would alter facts of a locked month of the property are recorded
   * as one pending adjustment (the same one for a redelivered run), the rest is returned to write.
   * A resend of the values already stored is not a change and flows on.
   */
  split(batch: GatedBatch): Promise<GateOutcome>;
  /** Pending adjustments per integration id, among the given properties of a tenant (integration status). */
  pendingByIntegration(tenantId: string, propertyIds: readonly string[]): Promise<Map<string, number>>;
}
