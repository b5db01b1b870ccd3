import type { Timer } from '@azure/functions';
import { nextOccurrence } from '../ncrontab.js';

export interface ScheduledJob {
  name: string;
  schedule: string;
  runOnStartup: boolean;
  run(timer: Timer): Promise<void>;
}

/** Past-due means the run started this much later than its schedule (the host's notion is similar). */
const PAST_DUE_MS = 1000;

/**
 * Runs timer functions on their NCRONTAB schedules, one run per function at a time (as the
 * Functions host's singleton lock guarantees). A run that starts late (because the previous one was
 * still going) has isPastDue set.
 */
export class LocalScheduler {
  private readonly timeouts = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly onError: (job: string, err: unknown) => void,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      if (job.runOnStartup) void this.invoke(job, new Date(), new Date(), false);
      this.arm(job, new Date(), undefined);
    }
  }

  private arm(job: ScheduledJob, from: Date, last: Date | undefined): void {
    if (this.stopped) return;
    const due = nextOccurrence(job.schedule, from);
    // setTimeout caps at ~24.8 days; re-arm in steps for longer schedules.
    const wait = Math.min(due.getTime() - Date.now(), 2 ** 31 - 1);
    const t = setTimeout(() => {
      if (Date.now() < due.getTime()) return this.arm(job, from, last);
      void this.fire(job, due, last);
    }, Math.max(0, wait));
    t.unref?.();
    this.timeouts.set(job.name, t);
  }

  private async fire(job: ScheduledJob, due: Date, last: Date | undefined): Promise<void> {
    const previous = this.running.get(job.name);
    if (previous) await previous;
    const next = nextOccurrence(job.schedule, due);
    this.arm(job, due, due);
    await this.invoke(job, due, next, Date.now() - due.getTime() > PAST_DUE_MS, last);
  }

  private async invoke(job: ScheduledJob, due: Date, next: Date, isPastDue: boolean, last?: Date): Promise<void> {
    if (this.stopped) return;
    const previous = this.running.get(job.name);
    if (previous) await previous;
    const timer: Timer = {
      isPastDue,
      schedule: { adjustForDST: false },
      scheduleStatus: {
        last: (last ?? due).toISOString(),
        next: next.toISOString(),
        lastUpdated: new Date().toISOString(),
      },
    };
    const run = job.run(timer).catch((err: unknown) => this.onError(job.name, err));
    this.running.set(job.name, run);
    await run;
    if (this.running.get(job.name) === run) this.running.delete(job.name);
  }

  /** Runs a timer function now (tests, and `npm run` helpers). */
  async trigger(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no timer function named ${name}`);
    await this.invoke(job, new Date(), nextOccurrence(job.schedule, new Date()), false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timeouts.values()) clearTimeout(t);
    await Promise.all(this.running.values());
  }
}
