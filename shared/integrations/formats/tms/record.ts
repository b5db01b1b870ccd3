import { z } from 'zod';
import { code, hours, isoDate, money, recordId, type CsvTypes } from '../common.js';

export const tmsRecord = z.strictObject({
  id: recordId.describe("The time-keeping system's record id (must not embed the employee number)"),
  employeeNumber: z.string().min(1).max(64).describe('Personal data: stored encrypted under the employee’s data key'),
  department: code,
  date: isoDate,
  productiveHours: hours,
  nonProductiveHours: hours.default(0).describe('Paid hours not worked: leave, sickness, training'),
  labourCost: money.min(0).describe('Personal data: stored encrypted under the employee’s data key'),
  deleted: z.literal(false).optional(),
});
export type TmsRecord = z.infer<typeof tmsRecord>;

export const tmsCsv: CsvTypes = { numbers: ['productiveHours', 'nonProductiveHours', 'labourCost'] };
