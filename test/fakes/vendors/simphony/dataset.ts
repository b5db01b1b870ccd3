/** The fake Simphony's guest checks: a hotel with a restaurant (rvc 1), a bar (rvc 2) and an unmapped banquet RVC (9). */

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

/** Checks of 2026-03-13 and 2026-03-14: a discount, a whole-check void, a check closed the day after it opened, an open check. */
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
  ];
}
