import { z } from 'zod';
import type { Item } from '../platform/cosmos/store.js';
import type { OutboxCarrier } from '../platform/outbox/outbox.js';
import { isIsoDate } from '../reporting/periods.js';
import { dailyTemperatureSchema, type DailyTemperature } from './degree-days.js';

/**
 * Daily mean temperatures of a property (docs/gogreen.md, "Expected consumption"): the input of its
 * degree days. One item per property-month, so a year is twelve point-readable items and a later
 * delivery of the same days replaces them.
 */
export const weatherInputSchema = z.strictObject({
  days: z
    .array(dailyTemperatureSchema)
    .min(1)
    .max(400)
    .refine((ds) => new Set(ds.map((d) => d.date)).size === ds.length, { message: 'each date once' })
    .refine((ds) => ds.every((d) => isIsoDate(d.date)), { message: 'every date a calendar date YYYY-MM-DD' }),
});

export interface WeatherMonthItem extends Item, OutboxCarrier {
  type: 'weatherMonth';
  propertyId: string;
  /** YYYY-MM */
  month: string;
  /** Mean °C by YYYY-MM-DD. */
  days: Record<string, number>;
  updatedAt: string;
}

export const weatherMonthId = (propertyId: string, month: string) => `weather:${propertyId}:${month}`;

/** The input days by month, merged into what each month already holds. */
export function mergeWeather(existing: ReadonlyMap<string, WeatherMonthItem>, days: readonly DailyTemperature[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const d of days) {
    const month = d.date.slice(0, 7);
    const into = out.get(month) ?? { ...(existing.get(month)?.days ?? {}) };
    into[d.date] = d.meanTempC;
    out.set(month, into);
  }
  return out;
}

/** The stored days as a sorted series. */
export function weatherSeries(items: readonly WeatherMonthItem[]): DailyTemperature[] {
  return items.flatMap((i) => Object.entries(i.days).map(([date, meanTempC]) => ({ date, meanTempC }))).sort((a, b) => a.date.localeCompare(b.date));
}
