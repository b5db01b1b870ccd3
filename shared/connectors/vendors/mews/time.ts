import { addDays } from '../../../reporting/periods.js';

export { addDays };

/** `start` plus `months` calendar months (the Connector API's "max length 3 months"). */
export function plusMonths(instantUtc: string, months: number): string {
  const d = new Date(instantUtc);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().replace('.000Z', 'Z');
}

/** Sorted distinct dates split into runs of consecutive days, each at most `maxDays` long. */
export function dateRuns(dates: Iterable<string>, maxDays: number): Array<{ from: string; to: string }> {
  const sorted = [...new Set(dates)].sort();
  const runs: Array<{ from: string; to: string; days: number }> = [];
  for (const d of sorted) {
    const last = runs[runs.length - 1];
    if (last && addDays(last.to, 1) === d && last.days < maxDays) {
      last.to = d;
      last.days += 1;
    } else runs.push({ from: d, to: d, days: 1 });
  }
  return runs.map(({ from, to }) => ({ from, to }));
}
