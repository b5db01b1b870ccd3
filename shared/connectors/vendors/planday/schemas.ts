import { z } from 'zod';

/**
 * The parts of Planday Open API v1.0 objects the connector reads (test/fixtures/vendors/planday/
 * PROVENANCE.md). Objects are not strict: an added field must not fail a run, and fields we do not
 * read (names, contact data, free-text descriptions) are dropped here, at the edge.
 */

const id = z.number().int();
/** Punch clock times are local wall-clock times without an offset, e.g. `2025-01-01T00:00`. */
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/);

export const punchClockShift = z.object({
  id,
  shiftId: id.nullable().optional(),
  departmentId: id,
  employeeId: id.nullable().optional(),
  startDateTime: localTime.nullable().optional(),
  endDateTime: localTime.nullable().optional(),
  isApproved: z.boolean().nullable().optional(),
});
export type PunchClockShift = z.infer<typeof punchClockShift>;

export const punchClockBreak = z.object({
  id,
  startDateTime: localTime.nullable().optional(),
  endDateTime: localTime.nullable().optional(),
});
export type PunchClockBreak = z.infer<typeof punchClockBreak>;

export const department = z.object({ id, name: z.string().min(1) });

export const employee = z.object({
  id,
  /** The company's salary code for the employee: the employee number our records carry. */
  salaryIdentifier: z.string().nullable().optional(),
});
export type Employee = z.infer<typeof employee>;

const paging = z.object({ offset: z.number().optional(), limit: z.number().optional(), total: z.number().optional() }).nullable().optional();

/** A list answer: `{ data: [...], paging: { offset, limit, total } }` (offset pagination). */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), paging });
}

export const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });
