import { SEALED_KIND, sealEmployee } from '../employee.js';
import type { FactShape, MappingContext, PersonalFields, PersonalPorts, PersonalTarget } from '../format.js';
import { department } from '../mapping.js';
import type { TmsRecord } from './record.js';

/** Hours of a time record, as actuals of its department. */
export function timeFact(r: TmsRecord, ctx: MappingContext): FactShape {
  return {
    date: r.date,
    scenario: 'actual',
    // Labour cost is added from the sealed value when aggregating: it is never stored in clear.
    contributions: [{ departmentId: department(ctx, r.department, 'department'), measures: { productiveHours: r.productiveHours, nonProductiveHours: r.nonProductiveHours } }],
  };
}

/** The employee number, cost and record id sealed under the employee's data key (sealEmployee). */
export async function sealTimeRecord(r: TmsRecord, target: PersonalTarget, ports: PersonalPorts): Promise<PersonalFields & { digest: unknown[] }> {
  const sealed = await sealEmployee(target, ports, { kind: SEALED_KIND.tms, noun: 'time records', employeeNumber: r.employeeNumber, extra: { labourCost: String(r.labourCost) } });
  return { ...sealed, digest: [sealed.employeeIndex, r.labourCost, target.sourceRecordId] };
}
