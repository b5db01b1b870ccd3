/**
 * A small 7shifts company for the fake server: one location in Vienna (plus one that belongs to
 * another hotel), two departments, three employees (one without a company employee id and missing
 * from the users list, as a deactivated user would be), and punches chosen to exercise the labour
 * rules: an unpaid and a paid break, a shift over midnight, one starting after local midnight (still
 * the previous UTC day), the spring DST night, a wage of 0 (rate table), a deleted punch, an open one.
 */

export interface FakeBreak {
  in: string;
  out: string;
  paid: boolean;
}

export interface FakePunch {
  id: number;
  company_id: number;
  user_id: number;
  role_id: number;
  location_id: number;
  department_id: number;
  hourly_wage: number;
  approved: boolean;
  clocked_in: string;
  clocked_out: string | null;
  created: string;
  modified: string;
  deleted: boolean;
  breaks: FakeBreak[];
}

/** A published shift as List Shifts answers it (the parts the fake keeps). */
export interface FakeShift {
  id: number;
  company_id: number;
  user_id: number | null;
  location_id: number;
  department_id: number;
  role_id: number;
  start: string;
  end: string;
  draft: boolean;
  open: boolean;
  deleted: boolean;
  created: string;
  modified: string;
  breaks: Array<{ id: number; start?: string; end?: string; length?: number; paid: boolean }>;
}

export interface SevenShiftsData {
  companyId: number;
  locations: Array<{ id: number; name: string; timezone: string }>;
  departments: Array<{ id: number; location_id: number; name: string }>;
  roles: Array<{ id: number; department_id: number; name: string }>;
  /** `listed: false` users are answered by GET /users/{id} only. */
  users: Array<{ id: number; employee_id: string | null; first_name: string; last_name: string; active: boolean; listed: boolean }>;
  wages: Record<number, Array<{ id: number; effective_date: string; role_id: number | null; wage_type: string; wage_cents: number }>>;
  punches: FakePunch[];
  shifts: FakeShift[];
}

export const COMPANY_ID = 7001;
export const LOCATION_ID = 41;
export const OTHER_LOCATION_ID = 42;
export const KITCHEN = 11;
export const HOUSEKEEPING = 12;

const at = (s: string) => new Date(s).toISOString().replace('.000Z', '+00:00');

function punch(id: number, user: number, department: number, role: number, wageCents: number, clockIn: string, clockOut: string | null, over: Partial<FakePunch> = {}): FakePunch {
  const modified = at(new Date(Date.parse(clockOut ?? clockIn) + 10 * 60_000).toISOString());
  return { id, company_id: COMPANY_ID, user_id: user, role_id: role, location_id: LOCATION_ID, department_id: department, hourly_wage: wageCents, approved: true, clocked_in: at(clockIn), clocked_out: clockOut ? at(clockOut) : null, created: modified, modified, deleted: false, breaks: [], ...over };
}

const shiftAt = (s: string) => new Date(s).toISOString().replace('.000Z', 'Z');

function shift(id: number, user: number | null, department: number, role: number, start: string, end: string, over: Partial<FakeShift> = {}): FakeShift {
  const modified = shiftAt(new Date(Date.parse(start) - 7 * 86_400_000).toISOString());
  return { id, company_id: COMPANY_ID, user_id: user, location_id: LOCATION_ID, department_id: department, role_id: role, start: shiftAt(start), end: shiftAt(end), draft: false, open: false, deleted: false, created: modified, modified, breaks: [], ...over };
}

export function sevenShiftsDataset(): SevenShiftsData {
  return {
    companyId: COMPANY_ID,
    locations: [
      { id: LOCATION_ID, name: 'North Hotel', timezone: 'Europe/Vienna' },
      { id: OTHER_LOCATION_ID, name: 'South Hotel', timezone: 'Europe/Vienna' },
    ],
    departments: [
      { id: KITCHEN, location_id: LOCATION_ID, name: 'Kitchen' },
      { id: HOUSEKEEPING, location_id: LOCATION_ID, name: 'Housekeeping' },
    ],
    roles: [
      { id: 91, department_id: KITCHEN, name: 'Cook' },
      { id: 92, department_id: HOUSEKEEPING, name: 'Room attendant' },
    ],
    users: [
      { id: 501, employee_id: 'E-501', first_name: 'Ada', last_name: 'Kitchen', active: true, listed: true },
      { id: 502, employee_id: 'E-502', first_name: 'Bo', last_name: 'Rooms', active: true, listed: true },
      { id: 503, employee_id: null, first_name: 'Cy', last_name: 'Former', active: false, listed: false },
    ],
    wages: {
      501: [{ id: 1, effective_date: '2025-01-01', role_id: 91, wage_type: 'hourly', wage_cents: 1800 }],
      502: [{ id: 2, effective_date: '2025-01-01', role_id: 92, wage_type: 'hourly', wage_cents: 0 }],
      503: [{ id: 3, effective_date: '2025-01-01', role_id: 92, wage_type: 'hourly', wage_cents: 1400 }],
    },
    punches: [
      // 06:00–15:00 Vienna (CET), 30 min unpaid break.
      punch(1001, 501, KITCHEN, 91, 1800, '2026-03-10T05:00:00Z', '2026-03-10T14:00:00Z', { breaks: [{ in: at('2026-03-10T09:00:00Z'), out: at('2026-03-10T09:30:00Z'), paid: false }] }),
      // 16:00–00:30 Vienna, over midnight, 15 min paid break.
      punch(1002, 501, KITCHEN, 91, 1800, '2026-03-11T15:00:00Z', '2026-03-11T23:30:00Z', { breaks: [{ in: at('2026-03-11T19:00:00Z'), out: at('2026-03-11T19:15:00Z'), paid: true }] }),
      // 08:00–12:00 Vienna, no wage in 7shifts: the rate table's role rate.
      punch(1003, 502, HOUSEKEEPING, 92, 0, '2026-03-10T07:00:00Z', '2026-03-10T11:00:00Z'),
      // 00:30–07:30 Vienna on 12 March (23:30 UTC on the 11th), a user not in the users list.
      punch(1004, 503, HOUSEKEEPING, 92, 1400, '2026-03-11T23:30:00Z', '2026-03-12T06:30:00Z'),
      // 22:00–06:00 Vienna over the spring DST change: 7 hours.
      punch(1005, 501, KITCHEN, 91, 1800, '2026-03-28T21:00:00Z', '2026-03-29T04:00:00Z'),
      // Another hotel's location: not this property.
      punch(1006, 502, HOUSEKEEPING, 92, 1400, '2026-03-10T07:00:00Z', '2026-03-10T15:00:00Z', { location_id: OTHER_LOCATION_ID }),
      // Deleted in 7shifts.
      punch(1007, 502, HOUSEKEEPING, 92, 1400, '2026-03-13T07:00:00Z', '2026-03-13T15:00:00Z', { deleted: true }),
      // Still clocked in.
      punch(1008, 502, HOUSEKEEPING, 92, 1400, '2026-03-29T07:00:00Z', null),
    ],
    // Published shifts of the same weeks, chosen for the schedule rules: an unpaid break by its
    // instants, a paid one, a shift over midnight, one starting after local midnight (the previous UTC
    // day), a break given by its length only, an open shift, another hotel's, a deleted one, a draft.
    shifts: [
      // 06:00–15:00 Vienna, 30 min unpaid break: 8.5 h.
      shift(2001, 501, KITCHEN, 91, '2026-03-10T05:00:00Z', '2026-03-10T14:00:00Z', { breaks: [{ id: 1, start: shiftAt('2026-03-10T09:00:00Z'), end: shiftAt('2026-03-10T09:30:00Z'), paid: false }] }),
      // 16:00–00:30 Vienna, over midnight, 15 min paid break: 8.5 h on the 11th.
      shift(2002, 501, KITCHEN, 91, '2026-03-11T15:00:00Z', '2026-03-11T23:30:00Z', { breaks: [{ id: 2, start: shiftAt('2026-03-11T19:00:00Z'), end: shiftAt('2026-03-11T19:15:00Z'), paid: true }] }),
      // 08:00–12:00 Vienna: 4 h.
      shift(2003, 502, HOUSEKEEPING, 92, '2026-03-10T07:00:00Z', '2026-03-10T11:00:00Z'),
      // 00:30–07:30 Vienna on the 12th, a user missing from the users list: 7 h on the 12th.
      shift(2004, 503, HOUSEKEEPING, 92, '2026-03-11T23:30:00Z', '2026-03-12T06:30:00Z'),
      // 08:00–16:00 Vienna, a 45-minute unpaid break stated by length: 7.25 h.
      shift(2005, 502, HOUSEKEEPING, 92, '2026-03-13T07:00:00Z', '2026-03-13T15:00:00Z', { breaks: [{ id: 3, length: 45, paid: false }] }),
      // Open (nobody scheduled), another hotel's location, deleted, a draft: none of them counts.
      shift(2006, null, KITCHEN, 91, '2026-03-12T10:00:00Z', '2026-03-12T18:00:00Z', { open: true }),
      shift(2007, 502, HOUSEKEEPING, 92, '2026-03-10T07:00:00Z', '2026-03-10T15:00:00Z', { location_id: OTHER_LOCATION_ID }),
      shift(2008, 502, HOUSEKEEPING, 92, '2026-03-14T07:00:00Z', '2026-03-14T15:00:00Z', { deleted: true }),
      shift(2009, 501, KITCHEN, 91, '2026-03-14T07:00:00Z', '2026-03-14T15:00:00Z', { draft: true }),
    ],
  };
}
