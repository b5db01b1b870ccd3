import { z } from 'zod';

/**
 * Heating and cooling degree days from a daily mean-temperature series (docs/gogreen.md,
 * "Expected consumption"): HDD = max(0, heating base − T), CDD = max(0, T − cooling base).
 */

export const degreeDayBasesSchema = z
  .strictObject({
    /** °C; 15.5 is the base common in the UK and used as our default. */
    heatingBaseC: z.number().finite().min(-10).max(30).default(15.5),
    /** °C; our default 22, above which a hotel typically cools. */
    coolingBaseC: z.number().finite().min(0).max(40).default(22),
  })
  .refine((b) => b.coolingBaseC >= b.heatingBaseC, { message: 'the cooling base is not below the heating base', path: ['coolingBaseC'] });
export type DegreeDayBases = z.infer<typeof degreeDayBasesSchema>;

export const dailyTemperatureSchema = z.strictObject({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  meanTempC: z.number().finite().min(-60).max(60),
});
export type DailyTemperature = z.infer<typeof dailyTemperatureSchema>;

export interface DegreeDay {
  date: string;
  hdd: number;
  cdd: number;
}

/** @example degreeDays([{ date: '2025-01-01', meanTempC: 5.5 }]) // [{ date: '2025-01-01', hdd: 10, cdd: 0 }] */
export function degreeDays(series: readonly DailyTemperature[], bases: z.input<typeof degreeDayBasesSchema> = {}): DegreeDay[] {
  const b = degreeDayBasesSchema.parse(bases);
  return series.map((d) => ({
    date: d.date,
    hdd: Math.max(0, b.heatingBaseC - d.meanTempC),
    cdd: Math.max(0, d.meanTempC - b.coolingBaseC),
  }));
}
