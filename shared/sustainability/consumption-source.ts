import type { Consumption } from './resources.js';

/**
 * The read port of recorded consumption (docs/gogreen.md, "Inputs"): what metrics, targets,
 * expected consumption and reports read, whichever path a reading came in by (a `utility` source's
 * webhook or connector, a mapped file, manual entry). Readings are counted as recorded after period
 * locks: a correction held for approval in a locked month is not in these figures until approved.
 */
export interface ConsumptionDay {
  /** YYYY-MM-DD, the property's local date. */
  date: string;
  consumption: Consumption;
}

export interface ConsumptionMonth {
  /** YYYY-MM. */
  month: string;
  consumption: Consumption;
  /** Days of the month with any recorded consumption. */
  days: number;
}

export interface ConsumptionSource {
  /**
   * A property's consumption per day over [from, to] (YYYY-MM-DD, inclusive) as recorded after
   * locks: monthly readings spread over their days (the core's spreadReading, by room nights where
   * known), days without data absent. Ascending by date.
   */
  days(tenantId: string, propertyId: string, from: string, to: string): Promise<ConsumptionDay[]>;
  /**
   * The same, summed per month `YYYY-MM` over [fromMonth, toMonth] inclusive; months without data
   * absent. Cheap: read from monthly rollups, not from days.
   */
  months(tenantId: string, propertyId: string, fromMonth: string, toMonth: string): Promise<ConsumptionMonth[]>;
}
