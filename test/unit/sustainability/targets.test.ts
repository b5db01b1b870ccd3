import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { monthEndProjection, progressToDate, reductionForYear, reductionTargetSchema, yearTargets } from '../../../shared/sustainability/index.js';

const definition = { resource: 'waterM3', reductionPct: 30, baselineYear: 2024, deadlineYear: 2027 } as const;
const cents = (v: number) => Math.round(v * 100);

describe('targets', () => {
  it('reduces on a straight line to the deadline and holds the full reduction after it', () => {
    const t = reductionTargetSchema.parse(definition);
    expect(reductionForYear(t, 2023)).toBe(0);
    expect(reductionForYear(t, 2024)).toBe(0);
    expect(reductionForYear(t, 2025)).toBeCloseTo(0.1, 12);
    expect(reductionForYear(t, 2027)).toBeCloseTo(0.3, 12);
    expect(reductionForYear(t, 2031)).toBeCloseTo(0.3, 12);
  });

  it('monthly targets follow the seasonality of the baseline year and sum to the annual target to the cent', () => {
    const month = fc.integer({ min: 0, max: 5_000_000 }).map((c) => c / 100);
    const nights = fc.integer({ min: 0, max: 20_000 });
    fc.assert(
      fc.property(fc.array(month, { minLength: 12, maxLength: 12 }), fc.array(nights, { minLength: 12, maxLength: 12 }), fc.integer({ min: 2024, max: 2030 }), fc.option(fc.array(nights, { minLength: 12, maxLength: 12 }), { nil: undefined }), (consumption, guestNights, year, planned) => {
        const t = yearTargets(definition, { consumption, guestNights }, year, planned);
        expect(t.months.reduce((s, m) => s + cents(m.targetConsumption), 0)).toBe(cents(t.annualTarget));
        if (!planned) expect(t.annualTarget).toBeCloseTo((1 - t.reduction) * consumption.reduce((s, c) => s + c, 0), 1);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps each month’s intensity per guest night, so a peak month keeps a higher target', () => {
    const baseline = { consumption: [100, 100, 100, 100, 100, 100, 300, 300, 100, 100, 100, 100], guestNights: Array(12).fill(10) };
    const t = yearTargets({ ...definition, reductionPct: 10, deadlineYear: 2025 }, baseline, 2025);
    expect(t.months[6]?.targetPerGuestNight).toBeCloseTo(27, 9);
    expect(t.months[0]?.targetPerGuestNight).toBeCloseTo(9, 9);
    // Planned guest nights scale the month at the baseline intensity.
    const planned = yearTargets({ ...definition, reductionPct: 10, deadlineYear: 2025 }, baseline, 2025, [20, ...Array(11).fill(10)]);
    expect(planned.months[0]).toMatchObject({ guestNights: 20, targetConsumption: 180 });
    expect(planned.annualTarget).toBeCloseTo(0.9 * (1600 + 100), 9);
  });

  it('progress compares actuals with the target at the guest nights actually hosted', () => {
    const baseline = { consumption: Array(12).fill(1000), guestNights: Array(12).fill(100) };
    const t = yearTargets({ ...definition, reductionPct: 10, deadlineYear: 2025 }, baseline, 2025);
    const p = progressToDate(t, [{ month: '2025-01', consumption: 1000, guestNights: 120 }]);
    expect(p).toMatchObject({ actualConsumption: 1000, aboveTarget: false });
    expect(p.targetConsumption).toBeCloseTo(1080, 9);
    expect(() => progressToDate(t, [{ month: '2024-12', consumption: 1, guestNights: 1 }])).toThrow(RangeError);
  });

  it('projects the month end from the rate per guest night, or from the daily average without guest nights', () => {
    const p = monthEndProjection({ daysInMonth: 30, daysElapsed: 10, consumptionToDate: 1000, guestNightsToDate: 100, forecastGuestNights: 150 }, 9);
    expect(p).toMatchObject({ projectedConsumption: 2500, projectedGuestNights: 250, projectedPerGuestNight: 10, targetConsumption: 2250, aboveTarget: true });
    const empty = monthEndProjection({ daysInMonth: 30, daysElapsed: 10, consumptionToDate: 300, guestNightsToDate: 0, forecastGuestNights: 0 }, 9);
    expect(empty).toMatchObject({ projectedConsumption: 900, projectedPerGuestNight: null, targetConsumption: 0, aboveTarget: true });
    expect(monthEndProjection({ daysInMonth: 30, daysElapsed: 10, consumptionToDate: 800, guestNightsToDate: 100, forecastGuestNights: 150 }, 9).aboveTarget).toBe(false);
    expect(monthEndProjection({ daysInMonth: 30, daysElapsed: 10, consumptionToDate: 800, guestNightsToDate: 100, forecastGuestNights: 150 }, null).aboveTarget).toBeNull();
  });

  it('rejects a deadline not after the baseline and a baseline without twelve months', () => {
    expect(reductionTargetSchema.safeParse({ ...definition, deadlineYear: 2024 }).success).toBe(false);
    expect(() => yearTargets(definition, { consumption: [1], guestNights: [1] }, 2025)).toThrow();
  });
});
