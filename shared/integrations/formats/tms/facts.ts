import { SubjectRedactedError } from '../../../platform/crypto/errors.js';
import { employeeSubjectId } from '../../../platform/crypto/employee-subject.js';
import type { FactShape, MappingContext, PersonalFields, PersonalPorts, PersonalTarget } from '../format.js';
import { department, RecordRejected } from '../mapping.js';
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

/** The employee number, cost and record id sealed under the employee's data key. */
export async function sealTimeRecord(r: TmsRecord, target: PersonalTarget, ports: PersonalPorts): Promise<PersonalFields & { digest: unknown[] }> {
  const employeeIndex = await ports.blindIndex.compute(target.tenantId, 'employeeNumber', r.employeeNumber);
  const subjectId = employeeSubjectId(employeeIndex);
  const seal = (field: string, value: string) => ports.cipher.seal({ tenantId: target.tenantId, subjectId, field, recordId: target.factId }, value);
  try {
    const enc = {
      employeeNumber: await seal('timeRecord.employeeNumber', r.employeeNumber),
      labourCost: await seal('timeRecord.labourCost', String(r.labourCost)),
      sourceRecordId: await seal('timeRecord.sourceRecordId', target.sourceRecordId),
    };
    return { employeeIndex, subjectId, enc, digest: [employeeIndex, r.labourCost, target.sourceRecordId] };
  } catch (err) {
    // The employee was redacted (key shredded): their records are refused one by one, so a
    // re-send that still names them doesn't fail the whole batch; the stored fact stays as it was.
    if (!(err instanceof SubjectRedactedError)) throw err;
    throw new RecordRejected('employeeNumber', 'this employee was redacted; their time records are no longer accepted');
  }
}
