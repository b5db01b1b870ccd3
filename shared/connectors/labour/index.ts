/**
 * Punches to hours and cost, for every labour connector: vendor-neutral punches and leave in,
 * canonical `tms` time records out. See docs/connectors.md § Labour: punches to hours and cost.
 */
export type { LeaveEntry, Punch, PunchBreak, TimeRecord } from './model.js';
export { affectedWeeks, breakMinutes, paidHours, punchDate, weekStart } from './hours.js';
export { weigh } from './overtime.js';
export { rateOf, toTimeRecords, type LabourOptions } from './records.js';
export { DEFAULT_OVERTIME, EMPTY_RATES, overtimeRules, rateTable, type OvertimeRules, type RateTable } from './settings.js';
