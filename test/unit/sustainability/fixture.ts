import { readFileSync } from 'node:fs';
import type { ConsumptionInput, FactorEntry, PropertyFactsInput } from '../../../shared/sustainability/index.js';

/** The hand-computed hotel-month of docs/gogreen.md ("Worked example"). */
export interface WorkedExample {
  period: string;
  context: { country: string; periodYear: number };
  facts: PropertyFactsInput;
  consumption: ConsumptionInput;
  tenantFactors: FactorEntry[];
  expected: {
    lines: Record<string, number>;
    carbon: Record<string, number>;
    market: { scope2Kg: number; totalKg: number; perOccupiedRoomKg: number };
    allocation: Record<string, number>;
    energy: Record<string, number>;
    water: Record<string, number>;
    waste: Record<string, number>;
  };
  target: {
    definition: { resource: 'electricityKwh'; reductionPct: number; baselineYear: number; deadlineYear: number };
    year: number;
    baseline: { consumption: number[]; guestNights: number[] };
    actuals: Array<{ month: string; consumption: number; guestNights: number }>;
    monthToDate: { daysInMonth: number; daysElapsed: number; consumptionToDate: number; guestNightsToDate: number; forecastGuestNights: number };
    expected: {
      reduction: number;
      baselinePerGuestNight: number;
      annualTarget: number;
      marchTargetConsumption: number;
      marchTargetPerGuestNight: number;
      progress: { actualConsumption: number; targetConsumption: number; variance: number; aboveTarget: boolean };
      projection: Record<string, number | boolean>;
    };
  };
  degreeDays: {
    bases: { heatingBaseC: number; coolingBaseC: number };
    series: Array<{ date: string; meanTempC: number }>;
    expected: Array<{ date: string; hdd: number; cdd: number }>;
  };
}

export const example = JSON.parse(readFileSync(new URL('../../fixtures/sustainability/worked-example.json', import.meta.url), 'utf8')) as WorkedExample;

/** Equal to 9 significant digits: the hand computation and the code take different roads to the same number. */
export function expectFigure(actual: number | null | undefined, expected: number, label: string): void {
  if (actual === null || actual === undefined || Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
    throw new Error(`${label}: expected ${expected}, got ${actual}`);
  }
}
