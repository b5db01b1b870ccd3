import { z } from 'zod';

/**
 * The parts of Deputy Resource API objects the connector reads. Objects are not strict: Deputy's
 * objects carry many more fields (and `_DPMetaData`), and an added field must not fail a run.
 */

const id = z.number().int();

export const timesheet = z.object({
  Id: id,
  Employee: id,
  /** The timesheet's local date, e.g. `2026-03-10T00:00:00+01:00`. */
  Date: z.string().min(10),
  /** Unix seconds. */
  StartTime: z.number(),
  EndTime: z.number().nullable().optional(),
  /** Paid hours (breaks already taken off). */
  TotalTime: z.number().min(0),
  Cost: z.number().nullable().optional(),
  OperationalUnit: id,
  IsInProgress: z.boolean().nullable().optional(),
  IsLeave: z.boolean().nullable().optional(),
  /** A leave timesheet's leave rule (LeaveRules Id): whether the leave is paid. */
  LeaveRule: z.number().int().nullable().optional(),
  Discarded: z.boolean().nullable().optional(),
  TimeApproved: z.boolean().nullable().optional(),
  Modified: z.string().optional(),
});
export type Timesheet = z.infer<typeof timesheet>;

export const operationalUnit = z.object({
  Id: id,
  Company: id,
  OperationalUnitName: z.string().min(1),
});
export type OperationalUnit = z.infer<typeof operationalUnit>;

/** LeaveRules: a leave type; `PaidLeave` 1 = paid, 0 = unpaid (Deputy's LeaveRules page). */
export const leaveRule = z.object({
  Id: id,
  Name: z.string().nullable().optional(),
  PaidLeave: z.number().int().nullable().optional(),
});
export type LeaveRule = z.infer<typeof leaveRule>;

/** A QUERY answer: a bare array of objects (at most `max`). */
export const queryAnswer = <T extends z.ZodType>(item: T) => z.array(item);

/** A webhook delivery: `{ topic, data }` where data is the object (or its id) the topic is about. */
export const webhookBody = z.object({
  topic: z.string(),
  data: z.union([z.object({ Id: id }).loose(), z.array(z.object({ Id: id }).loose()).min(1)]),
});
