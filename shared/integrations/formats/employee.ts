import { SubjectRedactedError } from '../../platform/crypto/errors.js';
import { employeeSubjectId } from '../../platform/crypto/employee-subject.js';
import type { PersonalFields, PersonalPorts, PersonalTarget } from './format.js';
import { RecordRejected } from './mapping.js';

/** The name each personal format seals its fields under (`<kind>.<field>`): what opening them needs. */
export const SEALED_KIND = { tms: 'timeRecord', schedules: 'scheduledShift' } as const;

/**
 * The one way a record about an employee is sealed, for every format that carries one (time records,
 * scheduled shifts): the employee number becomes a blind index and a data subject, and the number,
 * the record id and the format's other personal fields are sealed under that subject's key as
 * `<kind>.<field>`. A redacted employee (key shredded) is refused record by record, so a re-send that
 * still names them doesn't fail the whole batch and the stored fact stays as it was.
 *
 * @example sealEmployee(target, ports, { kind: 'timeRecord', noun: 'time records', employeeNumber: 'E1042', extra: { labourCost: '184.4' } })
 */
export async function sealEmployee(
  target: PersonalTarget,
  ports: PersonalPorts,
  o: { kind: string; noun: string; employeeNumber: string; extra?: Partial<Record<'labourCost', string>> },
): Promise<PersonalFields> {
  const employeeIndex = await ports.blindIndex.compute(target.tenantId, 'employeeNumber', o.employeeNumber);
  const subjectId = employeeSubjectId(employeeIndex);
  const seal = (field: string, value: string) => ports.cipher.seal({ tenantId: target.tenantId, subjectId, field: `${o.kind}.${field}`, recordId: target.factId }, value);
  try {
    const enc: PersonalFields['enc'] = { employeeNumber: await seal('employeeNumber', o.employeeNumber) };
    if (o.extra?.labourCost !== undefined) enc.labourCost = await seal('labourCost', o.extra.labourCost);
    enc.sourceRecordId = await seal('sourceRecordId', target.sourceRecordId);
    return { employeeIndex, subjectId, enc };
  } catch (err) {
    if (!(err instanceof SubjectRedactedError)) throw err;
    throw new RecordRejected('employeeNumber', `this employee was redacted; their ${o.noun} are no longer accepted`);
  }
}
