import type { SourceFormat } from '../format.js';
import { reservationFact } from './facts.js';
import { reservationCsv, reservationRecord, type ReservationRecord } from './record.js';

// F&B and table reservation systems deliver the same record: two source types, one shape.
const example = {
  json: {
    records: [
      { id: 'R-10021', date: '2026-03-20', outlet: 'REST', covers: 4, status: 'confirmed', channel: 'web', time: '19:30' },
      { id: 'R-10022', date: '2026-03-20', outlet: 'REST', covers: 2, status: 'cancelled', channel: 'phone' },
    ],
  },
  csv: 'id,date,outlet,covers,status,channel,time\nR-10021,2026-03-20,REST,4,confirmed,web,19:30\nR-10022,2026-03-20,REST,2,cancelled,phone,\n',
};

export const frs: SourceFormat<ReservationRecord, 'frs'> = {
  type: 'frs',
  title: 'F&B reservations',
  description: 'Reservations of F&B outlets: date, outlet, covers, status, channel.',
  record: reservationRecord,
  csv: reservationCsv,
  toFact: reservationFact,
  example,
};

export const trs: SourceFormat<ReservationRecord, 'trs'> = {
  type: 'trs',
  title: 'Table reservations',
  description: 'Table reservations: date, outlet, covers, status, channel, optional time.',
  record: reservationRecord,
  csv: reservationCsv,
  toFact: reservationFact,
  example,
};
