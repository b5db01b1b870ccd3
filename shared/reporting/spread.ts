/**
 * Spreading of monthly figures (AMS lines sent with `period: YYYY-MM`) over the days of their
 * month, so a report over any part of the month shows its share (docs/kpis.md §Monthly figures).
 */

/** Every date (`YYYY-MM-DD`) of a month `YYYY-MM`, in order. */
export function daysOfMonth(period: string): string[] {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const count = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return Array.from({ length: count }, (_, i) => `${period}-${String(i + 1).padStart(2, '0')}`);
}

/**
 * Splits `amount` into cents over `weights.length` days in proportion to the weights. The shares
 * add up to the amount exactly: each day gets its proportional share rounded down to the cent, and
 * the cents left over go one each to the days with the largest dropped fractions (the earlier day
 * first on a tie), so the same inputs always place them on the same days. Without a usable weight
 * (all zero, negative or not finite) the amount is spread evenly.
 *
 * @example spreadCents(100, [1, 1, 1]) // [33.34, 33.33, 33.33]
 */
export function spreadCents(amount: number, weights: readonly number[]): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const cents = Math.round(amount * 100);
  const sign = cents < 0 ? -1 : 1;
  const total = Math.abs(cents);
  const usable = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const sum = usable.reduce((s, w) => s + w, 0);
  const w = sum > 0 ? usable : usable.map(() => 1);
  const weightSum = sum > 0 ? sum : n;
  const shares = w.map((x) => Math.floor((total * x) / weightSum));
  let left = total - shares.reduce((s, x) => s + x, 0);
  const order = w
    .map((x, i) => ({ i, frac: (total * x) / weightSum - (shares[i] as number) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] as number) + 1;
    left -= 1;
  }
  // Floating point can overshoot by a cent on amounts near 2^53 ÷ weight: take it back from the smallest fractions.
  for (const { i } of [...order].reverse()) {
    if (left >= 0) break;
    if ((shares[i] as number) === 0) continue;
    shares[i] = (shares[i] as number) - 1;
    left += 1;
  }
  return shares.map((c) => (sign * c) / 100 || 0);
}
