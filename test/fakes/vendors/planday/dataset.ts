/**
 * A small Planday portal for the fake server: three departments (two of this hotel, one of another),
 * three employees (one deactivated and without a salary identifier), and punch clock records chosen
 * to exercise the labour rules: an unpaid punch clock break, a shift over midnight, one starting
 * after local midnight, the spring DST night, an unapproved record, another hotel's department, an
 * open record and one without an employee. Records are held as UTC instants; the server states them
 * as Vienna wall-clock times, as Planday does.
 */

export interface FakeRecord {
  id: number;
  departmentId: number;
  employeeId: number | null;
  /** UTC instants. */
  start: string;
  end: string | null;
  isApproved: boolean;
  breaks: Array<{ start: string; end: string }>;
}

export interface PlandayData {
  timeZone: string;
  departments: Array<{ id: number; name: string; number: string }>;
  employees: Array<{ id: number; firstName: string; lastName: string; salaryIdentifier: string | null; deactivated: boolean }>;
  records: FakeRecord[];
}

export const KITCHEN = 11;
export const HOUSEKEEPING = 12;
export const OTHER_HOTEL = 13;

const record = (id: number, employeeId: number | null, departmentId: number, start: string, end: string | null, over: Partial<FakeRecord> = {}): FakeRecord => ({
  id,
  departmentId,
  employeeId,
  start,
  end,
  isApproved: true,
  breaks: [],
  ...over,
});

export function plandayDataset(): PlandayData {
  return {
    timeZone: 'Europe/Vienna',
    departments: [
      { id: KITCHEN, name: 'Kitchen', number: 'K1' },
      { id: HOUSEKEEPING, name: 'Housekeeping', number: 'H1' },
      { id: OTHER_HOTEL, name: 'South Hotel', number: 'S1' },
    ],
    employees: [
      { id: 501, firstName: 'Ada', lastName: 'Kitchen', salaryIdentifier: 'E-501', deactivated: false },
      { id: 502, firstName: 'Bo', lastName: 'Rooms', salaryIdentifier: 'E-502', deactivated: false },
      { id: 503, firstName: 'Cy', lastName: 'Former', salaryIdentifier: null, deactivated: true },
    ],
    records: [
      // 06:00–15:00 Vienna (CET), 30 min punch clock break.
      record(1001, 501, KITCHEN, '2026-03-10T05:00:00Z', '2026-03-10T14:00:00Z', { breaks: [{ start: '2026-03-10T09:00:00Z', end: '2026-03-10T09:30:00Z' }] }),
      // 16:00–00:30 Vienna, over midnight, 15 min break.
      record(1002, 501, KITCHEN, '2026-03-11T15:00:00Z', '2026-03-11T23:30:00Z', { breaks: [{ start: '2026-03-11T19:00:00Z', end: '2026-03-11T19:15:00Z' }] }),
      // 08:00–12:00 Vienna, not yet approved.
      record(1003, 502, HOUSEKEEPING, '2026-03-10T07:00:00Z', '2026-03-10T11:00:00Z', { isApproved: false }),
      // 00:30–07:30 Vienna on 12 March (23:30 UTC on the 11th), a deactivated employee.
      record(1004, 503, HOUSEKEEPING, '2026-03-11T23:30:00Z', '2026-03-12T06:30:00Z'),
      // 22:00–06:00 Vienna over the spring DST change: 7 hours.
      record(1005, 501, KITCHEN, '2026-03-28T21:00:00Z', '2026-03-29T04:00:00Z'),
      // Another hotel's department: not this property.
      record(1006, 502, OTHER_HOTEL, '2026-03-10T07:00:00Z', '2026-03-10T15:00:00Z'),
      // Still punched in.
      record(1007, 502, HOUSEKEEPING, '2026-03-29T07:00:00Z', null),
      // A punch without an employee.
      record(1008, null, HOUSEKEEPING, '2026-03-13T07:00:00Z', '2026-03-13T09:00:00Z'),
      // 08:00–14:00 Vienna on the 16th: the next week.
      record(1009, 502, HOUSEKEEPING, '2026-03-16T07:00:00Z', '2026-03-16T13:00:00Z'),
    ],
  };
}
