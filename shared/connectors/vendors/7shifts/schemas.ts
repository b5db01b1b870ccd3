import { z } from 'zod';

/**
 * The parts of 7shifts API v2 objects the connector reads. Objects are not strict: 7shifts adds
 * fields between API versions and an added field must not fail a run.
 */

const id = z.number().int();
const nullableInstant = z.string().min(1).nullable().optional();

export const punchBreak = z.object({
  in: nullableInstant,
  out: nullableInstant,
  in_iso: nullableInstant,
  out_iso: nullableInstant,
  paid: z.boolean(),
  deleted: z.boolean().optional(),
});

export const timePunch = z.object({
  id,
  company_id: id.optional(),
  user_id: id,
  role_id: id.nullable().optional(),
  location_id: id,
  department_id: id.nullable().optional(),
  /** Cents in the API's list answers (1550 = 15.50). */
  hourly_wage: z.number().min(0).nullable().optional(),
  approved: z.boolean().optional(),
  clocked_in: z.string().min(1),
  clocked_out: z.string().min(1).nullable(),
  deleted: z.boolean().optional(),
  breaks: z.array(punchBreak).nullable().optional(),
});
export type TimePunch = z.infer<typeof timePunch>;

/** A webhook's time_punch payload: the punch itself, with `_iso` instants and `time_punch_breaks`. */
export const webhookPunch = timePunch.extend({
  clocked_in_iso: z.string().min(1).nullable().optional(),
  clocked_out_iso: z.string().min(1).nullable().optional(),
  time_punch_breaks: z.array(punchBreak).nullable().optional(),
});
export type WebhookPunch = z.infer<typeof webhookPunch>;

/**
 * A scheduled shift (List Shifts): `start`/`end` in UTC; `user_id` empty on an open (unassigned) shift;
 * `deleted` on a shift read with `deleted=true`. Breaks are planned breaks whose shape 7shifts' pages
 * do not spell out (the sample has none): read leniently, by instants or a `length` in minutes.
 */
export const shiftBreak = z.object({
  start: nullableInstant,
  end: nullableInstant,
  length: z.number().min(0).nullable().optional(),
  paid: z.boolean().nullable().optional(),
});

export const shift = z.object({
  id,
  company_id: id.optional(),
  user_id: id.nullable().optional(),
  location_id: id,
  department_id: id.nullable().optional(),
  role_id: id.nullable().optional(),
  start: z.string().min(1),
  end: z.string().min(1),
  draft: z.boolean().nullable().optional(),
  open: z.boolean().nullable().optional(),
  deleted: z.boolean().nullable().optional(),
  modified: z.string().optional(),
  breaks: z.array(shiftBreak).nullable().optional(),
});
export type Shift = z.infer<typeof shift>;

/** The `schedule.published` payload: a location's schedule of some departments published for a week. */
export const schedulePublished = z.object({
  company_id: id,
  location_id: id,
  department_ids: z.array(id).nullable().optional(),
  start: z.string().min(1),
  end: z.string().min(1),
});

export const user = z.object({
  id,
  employee_id: z.string().nullable().optional(),
});
export type User = z.infer<typeof user>;

export const department = z.object({ id, name: z.string().min(1) });

const cursorMeta = z.object({
  cursor: z.object({ next: z.string().nullable().optional(), count: z.number().optional() }).partial().optional(),
});

/** A list answer: `{ data: [...], meta: { cursor: { next } } }` (keyset pagination). */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: cursorMeta.optional() });
}

export const oneUser = z.object({ data: user });
