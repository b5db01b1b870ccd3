/**
 * The fake Simphony's data: a hotel with a restaurant (rvc 1), a bar (rvc 2) and an unmapped banquet
 * RVC (9); guest checks of 2026-03-13 to 2026-03-15 and operations daily totals of the 13th and 14th.
 * The totals are Oracle's own figures of a day and deliberately not the sums of the checks here, so a
 * test can tell which of the two a record came from.
 */

export type Json = Record<string, unknown>;

export const LOC = 'HOTEL1';
export const RVC_RESTAURANT = 1;
export const RVC_BAR = 2;
export const RVC_BANQUET = 9;

let next = 1000;
function check(locRef: string, opnBusDt: string, clsdBusDt: string | null, rvcNum: number, subTtl: number, extra: Json = {}): Json {
  const tax = Math.round(subTtl * 0.1 * 100) / 100;
  return {
    locRef,
    guestCheckId: ++next,
    chkNum: next % 9999,
    opnBusDt,
    clsdBusDt,
    clsdFlag: clsdBusDt !== null,
    gstCnt: 2,
    subTtl,
    chkTtl: Math.round((subTtl + tax) * 100) / 100,
    dscTtl: 0,
    vdTtl: null,
    rvcNum,
    taxes: [{ taxNum: 1, taxCollTtl: tax }],
    ...extra,
  };
}

/**
 * Checks of 2026-03-13 to 2026-03-15: a discount, a whole-check void, checks closed the day after they
 * opened, open checks.
 */
export function dataset(): Json[] {
  next = 1000;
  return [
    check(LOC, '2026-03-13', '2026-03-13', RVC_RESTAURANT, 120.5, { gstCnt: 4 }),
    check(LOC, '2026-03-13', '2026-03-13', RVC_BAR, 30, { dscTtl: -5, gstCnt: 1 }),
    check(LOC, '2026-03-13', '2026-03-14', RVC_BAR, 44.4, { gstCnt: 3 }),
    check(LOC, '2026-03-14', '2026-03-14', RVC_RESTAURANT, 0, { vdTtl: -60, gstCnt: 2, taxes: [] }),
    check(LOC, '2026-03-14', '2026-03-14', RVC_BANQUET, 800, { gstCnt: 40 }),
    check(LOC, '2026-03-14', null, RVC_RESTAURANT, 15.25, { gstCnt: 1 }),
    check('OTHER', '2026-03-14', '2026-03-14', RVC_RESTAURANT, 999),
    check(LOC, '2026-03-15', '2026-03-15', RVC_RESTAURANT, 42, { gstCnt: 2 }),
    check(LOC, '2026-03-14', '2026-03-15', RVC_BAR, 10, { gstCnt: 1 }),
    check(LOC, '2026-03-15', null, RVC_BAR, 18.5, { gstCnt: 1 }),
  ];
}

/** One revenue center of an `opDailyTotals` answer (discounts and voids negative, as Simphony reports them). */
function rvc(rvcNum: number, netSlsTtl: number, gstCnt: number, chkCnt: number, extra: Json = {}): Json {
  return { rvcNum, netSlsTtl, taxCollTtl: Math.round(netSlsTtl * 0.1 * 100) / 100, itmDscTtl: 0, subDscTtl: 0, vdTtl: 0, vdCnt: 0, gstCnt, chkCnt, ...extra };
}

/** Operations daily totals by location and closed business date (none of the 12th: Oracle answers no revenue centers). */
export function dailyTotals(): Json[] {
  return [
    { locRef: LOC, busDt: '2026-03-13', revenueCenters: [rvc(RVC_RESTAURANT, 120.5, 4, 1), rvc(RVC_BAR, 74.4, 4, 2, { itmDscTtl: -5 })] },
    {
      locRef: LOC,
      busDt: '2026-03-14',
      revenueCenters: [rvc(RVC_RESTAURANT, 57.25, 3, 2, { itmDscTtl: -2.5, subDscTtl: -1, vdTtl: -60, vdCnt: 1 }), rvc(RVC_BANQUET, 800, 40, 1)],
    },
    { locRef: 'OTHER', busDt: '2026-03-14', revenueCenters: [rvc(RVC_RESTAURANT, 999, 2, 1)] },
  ];
}
