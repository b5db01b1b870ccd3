import type { ConnectorContext, PullResult } from '../../connector.js';
import { affectedWeeks, weekStart } from '../../labour/index.js';
import { businessDate } from '../../local-days.js';
import { addDays } from '../../../reporting/periods.js';
import { DeputyClient, type SearchTerm } from './client.js';
import { timeRecords } from './mapping.js';
import type { Timesheet } from './schemas.js';
import type { DeputyCredentials, DeputySettings } from './settings.js';

type Ctx = ConnectorContext<DeputySettings, DeputyCredentials>;

/**
 * Reads timesheets by business weeks and maps them: every record of a week is recomputed from all of
 * its timesheets (weekly overtime of a later one depends on the earlier ones), so a re-read is
 * harmless and an edit anywhere in a week corrects the whole week.
 */
export class DeputySync {
  readonly client: DeputyClient;
  private areas: Promise<Map<number, string>> | undefined;
  private paidRules: Promise<Set<number>> | undefined;

  constructor(private readonly ctx: Ctx) {
    this.client = new DeputyClient(ctx.http, ctx.settings, ctx.credentials);
  }

  /** The property's areas (id → name), read once per run: they scope every timesheet search. */
  private areaNames(): Promise<Map<number, string>> {
    this.areas ??= this.client.operationalUnits().then((units) => new Map(units.map((u) => [u.Id, u.OperationalUnitName])));
    return this.areas;
  }

  /** The paid leave rules (LeaveRules with `PaidLeave` 1), read once per run and only when a leave timesheet needs them. */
  private paidLeaveRules(timesheets: readonly Timesheet[]): Promise<Set<number>> {
    if (!timesheets.some((t) => t.IsLeave && !t.Discarded)) return Promise.resolve(new Set());
    this.paidRules ??= this.client.leaveRules().then((rules) => new Set(rules.filter((r) => r.PaidLeave === 1).map((r) => r.Id)));
    return this.paidRules;
  }

  private async inAreas(search: SearchTerm[]): Promise<Timesheet[]> {
    const areas = [...(await this.areaNames()).keys()];
    if (areas.length === 0) return [];
    return this.client.timesheets([...search, { field: 'OperationalUnit', type: 'in', data: areas }]);
  }

  /** The business date of a timesheet: the local date of its start. */
  dateOf(t: Timesheet): string {
    return businessDate(new Date(t.StartTime * 1000).toISOString(), this.ctx.timeZone);
  }

  /**
   * The records of the whole weeks that hold `dates`, plus deletions of discarded timesheets seen
   * elsewhere. Deputy's `Date` is the timesheet's local date at its location; a day either side is
   * read so a location whose zone differs from the property's loses nothing, and the records are then
   * kept to the weeks by our own business date.
   */
  async recomputeWeeks(dates: Iterable<string>, extra: readonly Timesheet[] = []): Promise<PullResult> {
    const starts = [...new Set([...dates].map((d) => weekStart(d, this.ctx.settings.overtime.weekStartsOn)))].sort();
    const read: Timesheet[] = [];
    for (const start of starts) read.push(...(await this.inAreas([{ field: 'Date', type: 'ge', data: addDays(start, -1) }, { field: 'Date', type: 'le', data: addDays(start, 7) }])));
    const weeks = new Set(starts);
    const inWeeks = read.filter((t) => weeks.has(weekStart(this.dateOf(t), this.ctx.settings.overtime.weekStartsOn)));
    const all = [...inWeeks, ...extra.filter((t) => t.Discarded && !inWeeks.some((r) => r.Id === t.Id))];
    const records = timeRecords(all, this.ctx.settings, await this.areaNames(), this.ctx.timeZone, await this.paidLeaveRules(all));
    return { batches: records.length ? [{ sourceType: 'tms', records: records.map((r) => ({ ...r })) }] : [], objectsRead: this.client.objectsRead };
  }

  /** The change feed: timesheets modified since `from`, then their whole weeks recomputed. */
  async changedSince(from: string): Promise<PullResult> {
    const changed = await this.inAreas([{ field: 'Modified', type: 'ge', data: new Date(from).toISOString().replace(/\.\d{3}Z$/, '+00:00') }]);
    if (changed.length === 0) return { batches: [], objectsRead: this.client.objectsRead };
    return this.recomputeWeeks(changed.map((t) => this.dateOf(t)), changed);
  }

  /** Business dates `from`..`to`, in whole weeks. */
  backfill(from: string, to: string): Promise<PullResult> {
    const range = affectedWeeks([from, to], this.ctx.settings.overtime.weekStartsOn)!;
    const dates: string[] = [];
    for (let d = range.from; d <= range.to; d = addDays(d, 7)) dates.push(d);
    return this.recomputeWeeks(dates);
  }
}
