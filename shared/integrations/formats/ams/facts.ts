import { isDepartmentalLine } from '../../measures.js';
import type { FactShape, MappingContext } from '../format.js';
import { department, RecordRejected } from '../mapping.js';
import type { AmsRecord } from './record.js';

function lastDayOfMonth(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m, 0));
  return d.toISOString().slice(0, 10);
}

/** A ledger posting or trial-balance line, on the USALI line its account is mapped to. */
export function amsFact(r: AmsRecord, ctx: MappingContext): FactShape {
  const line = ctx.mappings.accounts[r.account];
  if (!line) throw new RecordRejected('account', `unknown account '${r.account}': map it to a USALI line in the integration`);
  // A monthly line is filed under its month's last day and aggregated apart; reports spread it over the month.
  const date = r.date ?? lastDayOfMonth(r.period as string);
  let departmentId: string | null = null;
  if (isDepartmentalLine(line)) {
    if (!r.department) throw new RecordRejected('department', `account '${r.account}' maps to the departmental line '${line}': a department is required`);
    departmentId = department(ctx, r.department, 'department');
  }
  return { date, scenario: r.kind, contributions: [{ departmentId, measures: { [`usali.${line}`]: r.amount }, ...(r.period ? { period: r.period } : {}) }] };
}
