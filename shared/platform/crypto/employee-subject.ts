/**
 * The data subject of an employee named in time records. It is derived from the blind index of the
 * employee number, so the number itself is never a key: integrations seal time records under it,
 * privacy redacts and exports by it.
 */
const EMPLOYEE_PREFIX = 'emp:';

export function employeeSubjectId(employeeIndex: string): string {
  return `${EMPLOYEE_PREFIX}${employeeIndex}`;
}

/** The blind index of an employee subject id, or undefined for other subjects (users are keyed by their id). */
export function employeeIndexOf(subjectId: string): string | undefined {
  return subjectId.startsWith(EMPLOYEE_PREFIX) ? subjectId.slice(EMPLOYEE_PREFIX.length) : undefined;
}
