import type { Connector } from '../../connector.js';
import { sevenShiftsPush } from './push.js';
import { sevenShiftsCredentials, sevenShiftsSettings } from './settings.js';
import { SevenShiftsSync } from './sync.js';

/**
 * 7shifts (restaurant and hotel F&B scheduling and time clock), API v2: time punches become
 * canonical `tms` time records — productive hours and labour cost per punch, overtime by the
 * integration's rules — through the labour module, and published shifts become `schedules` records
 * (the labour forecast's scheduled hours). Pull follows `modified_since`, backfill reads business
 * dates by clock-in and shift start, pushes are 7shifts' signed `time_punch.*` and
 * `schedule.published` webhooks. docs/connectors.md § 7shifts.
 */
export const sevenShifts: Connector<typeof sevenShiftsSettings, typeof sevenShiftsCredentials> = {
  manifest: {
    id: '7shifts',
    name: '7shifts',
    vendor: '7shifts Inc.',
    sourceTypes: ['tms', 'schedules'],
    auth: 'bearer-token',
    settings: sevenShiftsSettings,
    credentials: sevenShiftsCredentials,
    // modified_since has no documented maximum; 28-day windows keep a backfill's reads to four weeks each.
    capabilities: { pull: true, push: true, maxWindowDays: 28, defaultSchedule: '0 */15 * * * *' },
  },
  pull: (ctx, window) => new SevenShiftsSync(ctx).changedSince(window.from),
  backfill: (ctx, range) => new SevenShiftsSync(ctx).backfill(range.from, range.to),
  push: sevenShiftsPush,
};
