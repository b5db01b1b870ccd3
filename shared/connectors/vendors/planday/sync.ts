import type { ConnectorContext, PullResult } from '../../connector.js';
import { affectedWeeks, weekStart } from '../../labour/index.js';
import { businessDate, wallClockUtc } from '../../local-days.js';
import { addDays } from '../../../reporting/periods.js';
import { PlandayClient } from './client.js';
import { counts, timeRecords, type Lookup } from './mapping.js';
import type { PunchClockBreak, PunchClockShift } from './schemas.js';
import type { PlandayCredentials, PlandaySettings } from './settings.js';

type Ctx = ConnectorContext<PlandaySettings, PlandayCredentials>;

/**
 * Reads punch clock records by whole business weeks and maps them: every record of a week is
 * recomputed from all of its records (weekly overtime of a later punch depends on the earlier ones),
 * so a re-read is harmless and a correction anywhere in a week corrects the whole week.
 */
export class PlandaySync {
  readonly client: PlandayClient;

  constructor(private readonly ctx: Ctx) {
    this.client = new PlandayClient(ctx.http, ctx.settings, ctx.credentials);
  }

  /** Employees (employee numbers), department names and the breaks of the records that count. */
  private async lookupFor(records: readonly PunchClockShift[]): Promise<Lookup> {
    const employees = await this.client.employees();
    const departments = await this.client.departments();
    const breaks = new Map<number, PunchClockBreak[]>();
    for (const r of records) if (counts(r, this.ctx.settings) && !breaks.has(r.id)) breaks.set(r.id, await this.client.breaks(r.id));
    return { employees: new Map(employees.map((e) => [e.id, e])), departments: new Map(departments.map((d) => [d.id, d.name])), breaks };
  }

  /** The records of the business dates `from`..`to` (whole weeks), read as one span. */
  private async datesOf(from: string, to: string): Promise<PullResult> {
    const weeks = affectedWeeks([from, to], this.ctx.settings.overtime.weekStartsOn)!;
    // Planday filters on local wall-clock times; which end of a record it filters on is not stated,
    // so the span is read from its first midnight to the one after it and dated here.
    const read = await this.client.punchClockShifts(`${weeks.from}T00:00`, `${addDays(weeks.to, 1)}T00:00`);
    const inRange = read.filter((r) => {
      if (!r.startDateTime) return false;
      const date = businessDate(wallClockUtc(r.startDateTime, this.ctx.timeZone), this.ctx.timeZone);
      return date >= weeks.from && date <= weeks.to;
    });
    const records = timeRecords(inRange, this.ctx.settings, await this.lookupFor(inRange), this.ctx.timeZone);
    return { batches: records.length ? [{ sourceType: 'tms', records: records.map((r) => ({ ...r })) }] : [], objectsRead: this.client.objectsRead };
  }

  /** Business dates `from`..`to`, in whole weeks. */
  backfill(from: string, to: string): Promise<PullResult> {
    return this.datesOf(from, to);
  }

  /** No change feed: the weeks from `reReadDays` before the window's start through today are read again. */
  recent(windowFrom: string): Promise<PullResult> {
    const start = businessDate(windowFrom, this.ctx.timeZone);
    const from = addDays(start < this.ctx.today ? start : this.ctx.today, -this.ctx.settings.reReadDays);
    return this.datesOf(weekStart(from, this.ctx.settings.overtime.weekStartsOn), this.ctx.today);
  }
}
