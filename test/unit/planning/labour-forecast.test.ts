import { describe, expect, it } from '@jest/globals';
import { forecastVolume, labourCost, labourForecastCsv, requiredHours, scheduleVariance, wageRate, type DayVolumes, type LabourForecastReport } from '../../../shared/planning/labour-forecast.js';
import { weekdayOf, ZERO_WEEK } from '../../../shared/planning/labour-standards.js';

/*
 * The worked example of docs/planning.md ("Labour forecast"), Saturday 2027-01-16:
 *   Rooms  driver roomsSold, 0.5 h/room, fixed Sat 8 h; 140 rooms on the books (the RMS forecasts 150)
 *          → 140 × 0.5 + 8 = 78 h; last 4 weeks €4,200 over 200 paid hours = €21.00/h → €1,638.00
 *   F&B    driver covers, 0.3 h/cover, fixed Sat 12 h; no reservations on the books, 90 covers forecast
 *          → 90 × 0.3 + 12 = 39 h; €3,190 over 145 h = €22.00/h → €858.00
 *   Sales  driver none, fixed Sat 7.5 h → 7.5 h
 */
const day: DayVolumes = { onTheBooks: { roomsSold: 140 }, forecast: { roomsSold: 150, covers: 90, revenue: 5000 } };

describe('labour forecast formula', () => {
  it('takes rooms from the books before the forecast, and covers from the forecast when nothing is booked', () => {
    expect(forecastVolume('roomsSold', day)).toEqual({ volume: 140, source: 'onTheBooks' });
    expect(forecastVolume('covers', day)).toEqual({ volume: 90, source: 'forecast' });
    expect(forecastVolume('covers', { onTheBooks: { covers: 0 }, forecast: { covers: 90 } })).toEqual({ volume: 0, source: 'onTheBooks' });
    expect(forecastVolume('revenue', { onTheBooks: {}, forecast: { revenue: 5000 } })).toEqual({ volume: 5000, source: 'forecast' });
    expect(forecastVolume('guests', day)).toEqual({ volume: null, source: 'none' });
    expect(forecastVolume('none', day)).toEqual({ volume: null, source: 'none' });
  });

  it('requires volume × standard + fixed hours (the worked example)', () => {
    expect(requiredHours(140, 0.5, 8)).toEqual({ variableHours: 70, fixedHours: 8, requiredHours: 78 });
    expect(requiredHours(90, 0.3, 12)).toEqual({ variableHours: 27, fixedHours: 12, requiredHours: 39 });
    expect(requiredHours(null, null, 7.5)).toEqual({ variableHours: null, fixedHours: 7.5, requiredHours: 7.5 });
    // A volume without a standard earns nothing: only the fixed hours are required.
    expect(requiredHours(140, null, 0)).toEqual({ variableHours: null, fixedHours: 0, requiredHours: 0 });
    expect(requiredHours(5000, 0.02, 0).requiredHours).toBe(100);
    expect(requiredHours(7, 1 / 3, 0).requiredHours).toBe(2.33);
  });

  it('costs required hours at the average wage rate of the actuals, to the cent', () => {
    expect(wageRate(4200, 200)).toBe(21);
    expect(wageRate(3190, 145)).toBe(22);
    expect(wageRate(1000, 0)).toBeNull();
    expect(wageRate(100, 3)).toBe(33.33);
    expect(labourCost(78, 21)).toBe(1638);
    expect(labourCost(39, 22)).toBe(858);
    expect(labourCost(2.33, 33.33)).toBe(77.66);
    expect(labourCost(39, null)).toBeNull();
  });

  it('compares required with scheduled hours: required − scheduled, to the hundredth; null without a schedule', () => {
    expect(scheduleVariance(78, 72.5)).toBe(5.5);
    expect(scheduleVariance(39, 41.25)).toBe(-2.25);
    expect(scheduleVariance(7.5, 0)).toBe(7.5);
    expect(scheduleVariance(2.33, 1 / 3)).toBe(2);
    expect(scheduleVariance(78, null)).toBeNull();
  });

  it('names weekdays Monday first', () => {
    expect(['2027-01-11', '2027-01-16', '2027-01-17'].map(weekdayOf)).toEqual(['mon', 'sat', 'sun']);
  });
});

describe('labour forecast CSV', () => {
  const report = (payrollVisible: boolean): LabourForecastReport => ({
    report: 'labour-forecast',
    propertyId: 'p',
    name: 'North Hotel',
    currency: 'EUR',
    timezone: 'Europe/Vienna',
    from: '2027-01-16',
    to: '2027-01-16',
    weeks: 1,
    payrollVisible,
    wageRateRange: payrollVisible ? { from: '2026-12-05', to: '2027-01-01' } : null,
    scheduledHours: { available: true, integrations: [{ id: 'int_1', name: '7shifts' }], reason: null },
    departments: [
      {
        departmentId: 'd1',
        code: '=ROOMS',
        name: 'Rooms',
        driver: 'roomsSold',
        standardHoursPerUnit: 0.5,
        fixedHours: { ...ZERO_WEEK, sat: 8 },
        ...(payrollVisible ? { wageRate: 21 } : {}),
        days: [{ date: '2027-01-16', weekday: 'sat', volume: 140, source: 'onTheBooks', variableHours: 70, fixedHours: 8, requiredHours: 78, scheduledHours: 72.5, variance: 5.5, ...(payrollVisible ? { labourCost: 1638 } : {}) }],
        total: { requiredHours: 78, scheduledHours: 72.5, variance: 5.5, ...(payrollVisible ? { labourCost: 1638 } : {}) },
      },
    ],
    days: [{ date: '2027-01-16', requiredHours: 78, scheduledHours: 72.5, variance: 5.5 }],
    total: { requiredHours: 78, scheduledHours: 72.5, variance: 5.5 },
    meta: { storeReads: 1, aggregateItems: 1, labourCostUnavailable: 0 },
  });

  it('writes one row per department and day, payroll columns only for payroll readers, formulas defused', () => {
    const [header, row] = labourForecastCsv(report(true)).trim().split('\r\n');
    expect(header).toBe('property,date,weekday,department code,department,driver,volume source,volume,standard (h/unit),variable hours (h),fixed hours (h),required hours (h),scheduled hours (h),variance (h),wage rate (EUR),labour cost (EUR)');
    expect(row).toBe("North Hotel,2027-01-16,sat,'=ROOMS,Rooms,roomsSold,onTheBooks,140,0.5,70,8,78,72.5,5.5,21,1638");
    const plain = labourForecastCsv(report(false));
    expect(plain).not.toContain('labour cost');
    expect(plain.trim().split('\r\n')[1]).toBe("North Hotel,2027-01-16,sat,'=ROOMS,Rooms,roomsSold,onTheBooks,140,0.5,70,8,78,72.5,5.5");
  });
});
