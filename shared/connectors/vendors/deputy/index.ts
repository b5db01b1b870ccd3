import type { Connector } from '../../connector.js';
import { deputyPush } from './push.js';
import { deputyCredentials, deputySettings } from './settings.js';
import { DeputySync } from './sync.js';

/**
 * Deputy (workforce scheduling and time and attendance), Resource API v1 of one install: timesheets
 * become canonical `tms` time records — productive hours and labour cost per timesheet, overtime by
 * the integration's rules — through the labour module. Pull searches `Modified`, backfill searches
 * `Date` in whole weeks, pushes are Deputy's `Timesheet.*` webhooks authenticated by a URL token.
 * docs/connectors.md § Deputy.
 */
export const deputy: Connector<typeof deputySettings, typeof deputyCredentials> = {
  manifest: {
    id: 'deputy',
    name: 'Deputy',
    vendor: 'Deputy (Deputec Pty Ltd)',
    sourceTypes: ['tms'],
    auth: 'bearer-token',
    settings: deputySettings,
    credentials: deputyCredentials,
    // One QUERY series per business week; 28-day windows keep a backfill's reads to four weeks each.
    capabilities: { pull: true, push: true, maxWindowDays: 28, defaultSchedule: '0 */15 * * * *' },
  },
  pull: (ctx, window) => new DeputySync(ctx).changedSince(window.from),
  backfill: (ctx, range) => new DeputySync(ctx).backfill(range.from, range.to),
  push: deputyPush,
};
