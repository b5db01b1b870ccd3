import { z } from 'zod';
import { code, hours, isoDate, money, recordId, type SourceFormat } from './common.js';

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

export const tms: SourceFormat<TmsRecord> = {
  type: 'tms',
  title: 'Time records',
  description:
    'Time records per employee, department and date: productive and non-productive hours and labour cost. Employee number and cost are personal data and are stored encrypted.',
  record: tmsRecord,
  csv: { numbers: ['productiveHours', 'nonProductiveHours', 'labourCost'] },
  example: {
    json: {
      records: [
        { id: 'T-88120', employeeNumber: 'E1042', department: 'HK', date: '2026-03-14', productiveHours: 7.5, nonProductiveHours: 0.5, labourCost: 184.4 },
        { id: 'T-88121', employeeNumber: 'E2001', department: 'REST', date: '2026-03-14', productiveHours: 8, labourCost: 201.6 },
      ],
    },
    csv: 'id,employeeNumber,department,date,productiveHours,nonProductiveHours,labourCost\nT-88120,E1042,HK,2026-03-14,7.5,0.5,184.40\nT-88121,E2001,REST,2026-03-14,8,,201.60\n',
  },
};
