import type { CanonicalBatch, ConnectorContext, PullResult } from '../../connector.js';
import { affectedWeeks, weekStart } from '../../labour/index.js';
import { businessDate, dayStartUtc } from '../../local-days.js';
import { addDays } from '../../../reporting/periods.js';
import { SevenShiftsClient, type ShiftQuery } from './client.js';
import { instantOf, scheduleRecords, timeRecords, type Lookup } from './mapping.js';
import type { Shift, TimePunch, User } from './schemas.js';
import type { SevenShiftsCredentials, SevenShiftsSettings } from './settings.js';

type Ctx = ConnectorContext<SevenShiftsSettings, SevenShiftsCredentials>;

/** Consecutive weeks merged into ranges of business dates, so a busy change feed reads each span once. */
function weekRuns(weekStarts: Iterable<string>): Array<{ from: string; to: string }> {
  const runs: Array<{ from: string; to: string }> = [];
  for (const start of [...new Set(weekStarts)].sort()) {
    const last = runs[runs.length - 1];
    if (last && addDays(last.to, 1) === start) last.to = addDays(start, 6);
    else runs.push({ from: start, to: addDays(start, 6) });
  }
  return runs;
}

/**
 * Reads punches by business weeks and maps them: every record of a week is recomputed from all of its
 * punches (weekly overtime of a later punch depends on the earlier ones), so a re-read is harmless and
 * an edit anywhere in a week corrects the whole week.
 */
export class SevenShiftsSync {
  readonly client: SevenShiftsClient;
  private lookup: Lookup | undefined;

  constructor(private readonly ctx: Ctx) {
    this.client = new SevenShiftsClient(ctx.http, ctx.settings, ctx.credentials);
  }

  private date(p: TimePunch): string {
    return businessDate(instantOf(p.clocked_in), this.ctx.timeZone);
  }

  /** Users (employee numbers) and department names, read once per run; users missing from the list are read one by one. */
  private async lookupFor(userIds: Iterable<number>): Promise<Lookup> {
    if (!this.lookup) {
      const [users, departments] = await Promise.all([this.client.users(), this.client.departments()]);
      this.lookup = { users: new Map(users.map((u) => [u.id, u])), departments: new Map(departments.map((d) => [d.id, d.name])) };
    }
    const users = this.lookup.users as Map<number, User>;
    for (const id of new Set(userIds)) if (!users.has(id)) users.set(id, await this.client.user(id));
    return this.lookup;
  }

  /** Every punch of the settings' locations clocked in on the business dates `from`..`to`. */
  async punchesOn(from: string, to: string): Promise<TimePunch[]> {
    const out: TimePunch[] = [];
    const clockedInFrom = dayStartUtc(from, this.ctx.timeZone);
    const clockedInTo = new Date(Date.parse(dayStartUtc(addDays(to, 1), this.ctx.timeZone)) - 1000).toISOString();
    for (const locationId of this.ctx.settings.locationIds) out.push(...(await this.client.punches({ locationId, clockedInFrom, clockedInTo })));
    return out;
  }

  /** The records of the whole weeks that hold `dates`, plus deletions of `deleted` punches read elsewhere. */
  async recomputeWeeks(dates: Iterable<string>, extra: readonly TimePunch[] = []): Promise<PullResult> {
    const starts = [...dates].map((d) => weekStart(d, this.ctx.settings.overtime.weekStartsOn));
    const punches: TimePunch[] = [];
    for (const run of weekRuns(starts)) punches.push(...(await this.punchesOn(run.from, run.to)));
    // A deleted punch may no longer be listed by clock-in: its deletion comes from where it was seen.
    const all = [...punches, ...extra.filter((p) => p.deleted && !punches.some((q) => q.id === p.id))];
    const records = timeRecords(all, this.ctx.settings, await this.lookupFor(all.map((p) => p.user_id)), this.ctx.timeZone);
    return { batches: records.length ? [{ sourceType: 'tms', records: records.map((r) => ({ ...r })) }] : [], objectsRead: this.client.objectsRead };
  }

  /**
   * Published shifts of the settings' locations matching `q`, live and deleted: 7shifts lists a
   * deleted shift only when asked (`deleted=true`), so each location is read both ways.
   */
  async shifts(q: Omit<ShiftQuery, 'locationId' | 'deleted'>, locationIds: readonly number[] = this.ctx.settings.locationIds): Promise<Shift[]> {
    const out: Shift[] = [];
    for (const locationId of locationIds) {
      out.push(...(await this.client.shifts({ ...q, locationId })));
      out.push(...(await this.client.shifts({ ...q, locationId, deleted: true })).map((s) => ({ ...s, deleted: s.deleted ?? true })));
    }
    return out;
  }

  /** The canonical `schedules` batch of a set of shifts (none when they map to nothing). */
  async scheduleBatch(shifts: readonly Shift[]): Promise<CanonicalBatch[]> {
    const assigned = shifts.filter((s) => !s.deleted && s.user_id).map((s) => s.user_id as number);
    const records = scheduleRecords(shifts, this.ctx.settings, await this.lookupFor(assigned));
    return records.length ? [{ sourceType: 'schedules', records: records.map((r) => ({ ...r })) }] : [];
  }

  /** Shifts starting on the business dates `from`..`to` (backfill, a published week). */
  async scheduleOn(from: string, to: string, locationIds?: readonly number[]): Promise<CanonicalBatch[]> {
    const startFrom = dayStartUtc(from, this.ctx.timeZone);
    const startTo = new Date(Date.parse(dayStartUtc(addDays(to, 1), this.ctx.timeZone)) - 1000).toISOString();
    return this.scheduleBatch(await this.shifts({ startFrom, startTo }, locationIds));
  }

  /** The change feed: punches modified since `from`, then their whole weeks recomputed; shifts modified since `from` (published, edited, deleted). */
  async changedSince(from: string): Promise<PullResult> {
    const changed: TimePunch[] = [];
    for (const locationId of this.ctx.settings.locationIds) changed.push(...(await this.client.punches({ locationId, modifiedSince: from })));
    const punches = changed.length === 0 ? [] : (await this.recomputeWeeks(changed.map((p) => this.date(p)), changed)).batches;
    const schedule = await this.scheduleBatch(await this.shifts({ modifiedSince: from }));
    return { batches: [...punches, ...schedule], objectsRead: this.client.objectsRead };
  }

  /** Business dates `from`..`to`: punches in whole weeks, and the shifts starting on those dates. */
  async backfill(from: string, to: string): Promise<PullResult> {
    const range = affectedWeeks([from, to], this.ctx.settings.overtime.weekStartsOn);
    const dates: string[] = [];
    for (let d = range!.from; d <= range!.to; d = addDays(d, 7)) dates.push(d);
    const punches = (await this.recomputeWeeks(dates)).batches;
    const schedule = await this.scheduleOn(from, to);
    return { batches: [...punches, ...schedule], objectsRead: this.client.objectsRead };
  }

  /** The business date of one punch (webhooks). */
  dateOf(p: TimePunch): string {
    return this.date(p);
  }
}
