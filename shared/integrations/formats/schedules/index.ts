import type { SourceFormat } from '../format.js';
import { scheduleFact, sealSchedule } from './facts.js';
import { scheduleCsv, scheduleRecord, type ScheduleRecord } from './record.js';

export const schedules: SourceFormat<ScheduleRecord, 'schedules'> = {
  type: 'schedules',
  title: 'Scheduled shifts',
  description:
    "Published shifts per employee, department and business date: start, end, unpaid break minutes, role. They become the department's scheduled hours of the day, compared with the hours the labour forecast requires. Employee number and shift id are personal data and are stored encrypted.",
  record: scheduleRecord,
  csv: scheduleCsv,
  toFact: scheduleFact,
  personal: sealSchedule,
  example: {
    json: {
      records: [
        { id: 'S-5512', employeeNumber: 'E1042', department: 'HK', start: '2026-03-14T07:00', end: '2026-03-14T15:30', unpaidBreakMinutes: 30, role: 'Room attendant' },
        { id: 'S-5513', employeeNumber: 'E2001', department: 'REST', date: '2026-03-14', start: '2026-03-14T17:00:00+01:00', end: '2026-03-15T01:00:00+01:00' },
      ],
    },
    csv: 'id,employeeNumber,department,role,date,start,end,unpaidBreakMinutes\nS-5512,E1042,HK,Room attendant,,2026-03-14T07:00,2026-03-14T15:30,30\nS-5513,E2001,REST,,2026-03-14,2026-03-14T17:00:00+01:00,2026-03-15T01:00:00+01:00,\n',
  },
};
