import type { ConnectorContext, PullResult, PushHandler, PushRequest } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { sameSecret } from '../../same-secret.js';
import { recordPrefix } from './mapping.js';
import { webhookBody } from './schemas.js';
import type { DeputyCredentials, DeputySettings } from './settings.js';
import { DeputySync } from './sync.js';

const TIMESHEET_TOPICS = new Set(['Timesheet.Insert', 'Timesheet.Update', 'Timesheet.Save', 'Timesheet.Delete']);
const NO_WORK: PullResult = { batches: [], objectsRead: 0 };

/**
 * Deputy webhooks (`Timesheet.Insert/Update/Save/Delete`) are not signed: the Address registered in
 * Deputy carries our URL token. The body is only a hint of which timesheet changed: it is fetched
 * back from the API and its whole week recomputed (overtime of the week's other timesheets may change
 * with it); a deleted one (topic Delete, or a 404 on the read) becomes a deletion. Duplicates and
 * out-of-order deliveries are harmless: the records are a function of Deputy's current state.
 */
export const deputyPush: PushHandler<DeputySettings, DeputyCredentials> = {
  authenticate(request: PushRequest, credentials: DeputyCredentials): boolean {
    return credentials.webhookToken !== undefined && sameSecret(request.query.token, credentials.webhookToken);
  },

  async handle(ctx: ConnectorContext<DeputySettings, DeputyCredentials>, request: PushRequest): Promise<PullResult> {
    let json: unknown;
    try {
      json = JSON.parse(request.body.toString('utf8'));
    } catch {
      return NO_WORK;
    }
    const parsed = webhookBody.safeParse(json);
    if (!parsed.success || !TIMESHEET_TOPICS.has(parsed.data.topic)) return NO_WORK;
    const ids = [...new Set((Array.isArray(parsed.data.data) ? parsed.data.data : [parsed.data.data]).map((d) => d.Id))];
    const deletion = (id: number) => ({ id: `${recordPrefix(ctx.settings)}:punch:${id}`, deleted: true });
    if (parsed.data.topic === 'Timesheet.Delete') return { batches: [{ sourceType: 'tms', records: ids.map(deletion) }], objectsRead: 0 };
    const sync = new DeputySync(ctx);
    const dates: string[] = [];
    const gone: number[] = [];
    for (const id of ids) {
      try {
        dates.push(sync.dateOf(await sync.client.timesheet(id)));
      } catch (e) {
        if (e instanceof VendorError && e.status === 404) gone.push(id);
        else throw e;
      }
    }
    const result = dates.length ? await sync.recomputeWeeks(dates) : { batches: [], objectsRead: sync.client.objectsRead };
    if (gone.length === 0) return result;
    return { batches: [...result.batches, { sourceType: 'tms', records: gone.map(deletion) }], objectsRead: result.objectsRead };
  },
};
