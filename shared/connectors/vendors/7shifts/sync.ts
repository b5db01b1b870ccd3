import type { ConnectorContext, PullResult } from '../../connector.js';
import { affectedWeeks, weekStart } from '../../labour/index.js';
import { businessDate, dayStartUtc } from '../../local-days.js';
import { addDays } from '../../../reporting/periods.js';
import { SevenShiftsClient } from './client.js';
import { instantOf, timeRecords, type Lookup } from './mapping.js';
import type { TimePunch, User } from './schemas.js';
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
  private async lookupFor(punches: readonly TimePunch[]): Promise<Lookup> {
    if (!this.lookup) {
      const [users, departments] = await Promise.all([this.client.users(), this.client.departments()]);
      this.lookup = { users: new Map(users.map((u) => [u.id, u])), departments: new Map(departments.map((d) => [d.id, d.name])) };
    }
    const users = this.lookup.users as Map<number, User>;
    for (const id of new Set(punches.map((p) => p.user_id))) if (!users.has(id)) users.set(id, await this.client.user(id));
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
    const records = timeRecords(all, this.ctx.settings, await this.lookupFor(all), this.ctx.timeZone);
    return { batches: records.length ? [{ sourceType: 'tms', records: records.map((r) => ({ ...r })) }] : [], objectsRead: this.client.objectsRead };
  }

  /** The change feed: punches modified since `from`, then their whole weeks recomputed. */
  async changedSince(from: string): Promise<PullResult> {
    const changed: TimePunch[] = [];
    for (const locationId of this.ctx.settings.locationIds) changed.push(...(await this.client.punches({ locationId, modifiedSince: from })));
    if (changed.length === 0) return { batches: [], objectsRead: this.client.objectsRead };
    return this.recomputeWeeks(changed.map((p) => this.date(p)), changed);
  }

  /** Business dates `from`..`to`, in whole weeks. */
  backfill(from: string, to: string): Promise<PullResult> {
    const range = affectedWeeks([from, to], this.ctx.settings.overtime.weekStartsOn);
    const dates: string[] = [];
    for (let d = range!.from; d <= range!.to; d = addDays(d, 7)) dates.push(d);
    return this.recomputeWeeks(dates);
  }

  /** The business date of one punch (webhooks). */
  dateOf(p: TimePunch): string {
    return this.date(p);
  }
}
