import type { OvertimeRules } from './settings.js';

type Tier = OvertimeRules['daily'][number];

/** Hours of the interval [before, before + hours) that fall in each tier, tiers sorted by `after`. */
function split(before: number, hours: number, tiers: readonly Tier[]): Array<{ hours: number; multiplier: number }> {
  const sorted = [...tiers].sort((a, b) => a.after - b.after);
  const end = before + hours;
  return sorted.map((t, i) => {
    const next = sorted[i + 1]?.after ?? Infinity;
    return { hours: Math.max(0, Math.min(end, next) - Math.max(before, t.after)), multiplier: t.multiplier };
  });
}

/** A punch's hours weighed by overtime: `weighted` × rate is its cost. */
export interface Weighed {
  /** Hours at ×1 plus each overtime hour times its multiplier. */
  weighted: number;
  /** The regular (not daily-overtime) hours, which count toward the weekly threshold. */
  regular: number;
}

/**
 * Weighs `hours` worked after `dayBefore` hours on the same business date and `weekRegularBefore`
 * regular hours in the same week. Daily tiers first; the remaining regular hours beyond a weekly
 * threshold get the weekly multiplier; an hour is overtime once (no pyramiding).
 */
export function weigh(hours: number, dayBefore: number, weekRegularBefore: number, rules: OvertimeRules): Weighed {
  const daily = split(dayBefore, hours, rules.daily);
  const dailyOvertime = daily.reduce((s, d) => s + d.hours, 0);
  const regular = hours - dailyOvertime;
  const weekly = split(weekRegularBefore, regular, rules.weekly);
  const weeklyOvertime = weekly.reduce((s, w) => s + w.hours, 0);
  const weighted = regular - weeklyOvertime + [...daily, ...weekly].reduce((s, t) => s + t.hours * t.multiplier, 0);
  return { weighted, regular };
}
