import type { SourceFormat } from '../format.js';
import { sealTimeRecord, timeFact } from './facts.js';
import { tmsCsv, tmsRecord, type TmsRecord } from './record.js';

export const tms: SourceFormat<TmsRecord, 'tms'> = {
  type: 'tms',
  title: 'Time records',
  description:
    'Time records per employee, department and date: productive and non-productive hours and labour cost. Employee number and cost are personal data and are stored encrypted.',
  record: tmsRecord,
  csv: tmsCsv,
  toFact: timeFact,
  personal: sealTimeRecord,
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
