import type { ConnectorContext, PullResult, PushHandler, PushRequest } from '../../connector.js';
import { addDays } from '../../../reporting/periods.js';
import { businessDate } from '../../local-days.js';
import { schedulePublished, webhookPunch } from './schemas.js';
import type { SevenShiftsCredentials, SevenShiftsSettings } from './settings.js';
import { verifySignature } from './signature.js';
import { SevenShiftsSync } from './sync.js';

const PUNCH_TOPICS = new Set(['time_punch.created', 'time_punch.edited', 'time_punch.deleted']);
const SCHEDULE_TOPIC = 'schedule.published';
const NO_WORK: PullResult = { batches: [], objectsRead: 0 };

/**
 * `schedule.published` names a location and a week (`start`..`end`, the week's first and last days
 * as UTC midnights): the shifts starting in that week, a day wider on each side for the zone, are
 * read from the API and sent as the week's schedule (a re-publish replaces, a removed shift is a
 * deletion). Another company's or location's schedule is no work.
 */
async function publishedSchedule(ctx: ConnectorContext<SevenShiftsSettings, SevenShiftsCredentials>, json: unknown): Promise<PullResult> {
  const parsed = schedulePublished.safeParse(json);
  if (!parsed.success) return NO_WORK;
  const p = parsed.data;
  if (p.company_id !== ctx.settings.companyId || !ctx.settings.locationIds.includes(p.location_id)) return NO_WORK;
  const sync = new SevenShiftsSync(ctx);
  const from = addDays(businessDate(p.start, 'UTC'), -1);
  const to = addDays(businessDate(p.end, 'UTC'), 1);
  return { batches: await sync.scheduleOn(from, to, [p.location_id]), objectsRead: sync.client.objectsRead };
}

/**
 * 7shifts webhooks carry the whole punch (`time_punch.created/edited/deleted`). The punch's week is
 * recomputed from the API (overtime of the week's other punches may change with it); a deleted punch
 * becomes a deletion. Other topics, other companies and other locations are no work. Duplicates and
 * out-of-order deliveries are harmless: the records are a function of 7shifts' current state.
 */
export const sevenShiftsPush: PushHandler<SevenShiftsSettings, SevenShiftsCredentials> = {
  authenticate(request: PushRequest, credentials: SevenShiftsCredentials): boolean {
    return credentials.companyGuid !== undefined && verifySignature(request.headers, request.body, credentials.companyGuid);
  },

  async handle(ctx: ConnectorContext<SevenShiftsSettings, SevenShiftsCredentials>, request: PushRequest): Promise<PullResult> {
    const topic = request.headers['x-webhook-topic'] ?? '';
    if (!PUNCH_TOPICS.has(topic) && topic !== SCHEDULE_TOPIC) return NO_WORK;
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return NO_WORK;
    }
    if (topic === SCHEDULE_TOPIC) return publishedSchedule(ctx, json);
    const parsed = webhookPunch.safeParse(json);
    if (!parsed.success) return NO_WORK;
    const p = parsed.data;
    const company = p.company_id ?? Number(request.headers['x-company-id']);
    if (company !== ctx.settings.companyId || !ctx.settings.locationIds.includes(p.location_id)) return NO_WORK;
    const punch = { ...p, clocked_in: p.clocked_in_iso ?? p.clocked_in, deleted: p.deleted === true || request.headers['x-webhook-topic'] === 'time_punch.deleted' };
    const sync = new SevenShiftsSync(ctx);
    return sync.recomputeWeeks([sync.dateOf(punch)], [punch]);
  },
};
