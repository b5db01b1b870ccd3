import type { SourceFormat } from '../format.js';
import { rmsFact } from './facts.js';
import { rmsCsv, rmsRecord, type RmsRecord } from './record.js';

export const rms: SourceFormat<RmsRecord, 'rms'> = {
  type: 'rms',
  title: 'RMS forecasts',
  description: 'Forecast per date: rooms, ADR and room revenue (the latest forecast for a date wins).',
  record: rmsRecord,
  csv: rmsCsv,
  toFact: rmsFact,
  example: {
    json: { records: [{ id: 'F-2026-04-01', date: '2026-04-01', rooms: 140, adr: 168.5, roomRevenue: 23590 }] },
    csv: 'id,date,rooms,adr,roomRevenue\nF-2026-04-01,2026-04-01,140,168.50,23590\n',
  },
};
