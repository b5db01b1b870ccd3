import { spreadCents } from '../reporting/spread.js';
import { predict, type ConsumptionModel, type Drivers } from './expected.js';

/**
 * A monthly (or any multi-day) meter reading as one amount per day (docs/gogreen.md, "Spreading a
 * reading over days"): in proportion to each day's expected consumption under the property's model
 * (occupancy and degree days), or, without a model, to its occupied rooms; evenly when neither
 * gives a usable weight. The days sum to the reading exactly, to 0.01 (spreadCents).
 *
 * @example spreadReading(3000, days, model) // [{ date, amount }, …] summing to 3000
 */
export function spreadReading(amount: number, days: readonly Drivers[], model?: Pick<ConsumptionModel, 'a' | 'b' | 'c' | 'd'>): Array<{ date: string; amount: number }> {
  // A model can predict below zero on an empty, mild day: such a day weighs nothing rather than taking back.
  const weights = days.map((d) => (model ? Math.max(0, predict(model, d)) : d.occupiedRooms));
  const shares = spreadCents(amount, weights);
  return days.map((d, i) => ({ date: d.date, amount: shares[i] as number }));
}
