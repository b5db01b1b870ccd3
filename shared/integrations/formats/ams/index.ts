import type { SourceFormat } from '../format.js';
import { amsFact } from './facts.js';
import { amsCsv, amsRecord, type AmsRecord } from './record.js';

export const ams: SourceFormat<AmsRecord, 'ams'> = {
  type: 'ams',
  title: 'Accounting postings',
  description: 'Ledger postings or trial-balance lines per period: account, department, amount, kind (actual, budget, forecast).',
  record: amsRecord,
  csv: amsCsv,
  toFact: amsFact,
  example: {
    json: {
      records: [
        { id: 'GL-2026-03-4100-REST', period: '2026-03', account: '4100', department: 'REST', amount: 212400, kind: 'actual' },
        { id: 'BU-2026-03-5100-REST', period: '2026-03', account: '5100', department: 'REST', amount: 61000, kind: 'budget' },
        { id: 'GL-2026-03-14-7200', date: '2026-03-14', account: '7200', amount: 1850.75, kind: 'actual' },
      ],
    },
    csv: 'id,date,period,account,department,amount,kind\nGL-2026-03-4100-REST,,2026-03,4100,REST,212400,actual\nGL-2026-03-14-7200,2026-03-14,,7200,,1850.75,actual\n',
  },
};
