import { readCsv } from '../files/readers/csv.js';
import { readXlsx } from '../files/readers/xlsx.js';
import { FileFormatError, headerKey, type SourceRow } from '../files/readers/source.js';
import { isBlank, readNumber, readText, type Cell, type NumberFormat } from '../files/values.js';
import { periodOf, type PlanKind, type PlanRow, type UploadIssue } from './model.js';
import { consumptionProblems } from './consumption-kind.js';
import { HEADER_DEPARTMENT, HEADER_LINE, PROPERTY_CODE, templateHeader, templateRows, type TemplateDepartment } from './templates.js';

/** Figures are read with a decimal point and no thousands separator: the template's own notation. */
const PLAIN: NumberFormat = { decimal: '.', thousands: '', currency: [] };

/** Issues kept per upload: enough to fix a file, bounded so a wrong file does not make a huge item. */
export const MAX_ISSUES = 500;
/** The largest magnitude a figure may have (a hotel's year in cents stays far below 2^53). */
const MAX_FIGURE = 1e12;

export interface ReadVersion {
  rows: PlanRow[];
  issues: UploadIssue[];
}

/**
 * Reads an uploaded template (CSV or XLSX, through the file readers every file import uses) into
 * a version's rows, and reports each problem by row, column and message: an unknown department or
 * line, a line given twice, a figure that is not a number, a month column missing. Rows the
 * template has but the file leaves out have no figures; blank cells are "no figure" (0 is a figure).
 */
export async function readUpload(bytes: Uint8Array, format: 'csv' | 'xlsx', kind: PlanKind, year: number, departments: readonly TemplateDepartment[]): Promise<ReadVersion> {
  const issues: UploadIssue[] = [];
  const issue = (i: UploadIssue) => {
    if (issues.length < MAX_ISSUES) issues.push(i);
  };
  const expected = templateHeader(year);
  const monthKeys = expected.slice(3).map(headerKey);
  const checkHeader = (headers: readonly string[]) => {
    const have = new Set(headers.map(headerKey));
    const missing = [HEADER_DEPARTMENT, HEADER_LINE, ...expected.slice(3)].filter((h) => !have.has(headerKey(h)));
    if (missing.length > 0) throw new FileFormatError(`missing column(s) ${missing.join(', ')}: download the template of ${kind} ${year}`);
  };
  const byCode = new Map(departments.map((d) => [d.code.toLowerCase(), d]));
  const allowed = new Set(templateRows(kind, departments).map((r) => `${r.department?.id ?? ''}|${r.line}`));
  const seen = new Map<string, number>();
  const rows = new Map<string, PlanRow>();
  let source: AsyncGenerator<SourceRow>;
  if (format === 'csv') source = readCsv(bytes, { kind: 'csv', encoding: 'utf-8', headerRow: 1 }, checkHeader);
  else source = readXlsx(bytes, { kind: 'xlsx', headerRow: 1 }, checkHeader);
  try {
    for await (const { row, cells } of source) {
      const cell = (key: string): Cell | undefined => cells.get(key);
      if ([...cells.values()].every((c) => isBlank(c))) continue;
      const code = readText(cell(headerKey(HEADER_DEPARTMENT)) ?? null)?.replace(/^'/, '');
      const line = readText(cell(headerKey(HEADER_LINE)) ?? null);
      if (!code) {
        issue({ row, column: HEADER_DEPARTMENT, message: `required: a department code or ${PROPERTY_CODE}` });
        continue;
      }
      const department = code.toUpperCase() === PROPERTY_CODE ? null : byCode.get(code.toLowerCase());
      if (department === undefined) {
        issue({ row, column: HEADER_DEPARTMENT, message: `'${code}' is not a department of this property (${[...departments.map((d) => d.code), PROPERTY_CODE].join(', ')})` });
        continue;
      }
      if (!line) {
        issue({ row, column: HEADER_LINE, message: 'required' });
        continue;
      }
      const key = `${department?.id ?? ''}|${line}`;
      if (!allowed.has(key)) {
        issue({ row, column: HEADER_LINE, message: `'${line}' is not a ${department ? 'department' : 'property'} line of a ${kind} version` });
        continue;
      }
      const first = seen.get(key);
      if (first !== undefined) {
        issue({ row, column: HEADER_LINE, message: `${code} ${line} is given twice (first on row ${first})` });
        continue;
      }
      seen.set(key, row);
      const months: Array<number | null> = [];
      monthKeys.forEach((k, m) => {
        const c = cell(k);
        if (isBlank(c ?? null)) {
          months.push(null);
          return;
        }
        const value = readNumber(c ?? null, PLAIN);
        if (value === undefined || Math.abs(value) > MAX_FIGURE) {
          issue({ row, column: periodOf(year, m), message: `'${String(c)}' is not a number${value !== undefined ? ` up to ${MAX_FIGURE}` : ''}` });
          months.push(null);
          return;
        }
        if (kind === 'consumption' && value < 0) {
          issue({ row, column: periodOf(year, m), message: 'a reading is not negative' });
          months.push(null);
          return;
        }
        months.push(Math.round(value * 100) / 100);
      });
      rows.set(key, { departmentId: department?.id ?? null, line, months });
    }
  } catch (err) {
    if (!(err instanceof FileFormatError)) throw err;
    issue({ row: 0, message: err.message });
  }
  if (kind === 'consumption') for (const p of consumptionProblems({ year, rows: [...rows.values()] })) issue({ row: seen.get(`|${p.line}`) ?? 0, column: periodOf(year, p.month), message: p.message });
  if (issues.length === 0 && ![...rows.values()].some((r) => r.months.some((v) => v !== null))) issue({ row: 0, message: 'the file holds no figures' });
  // Rows in template order, so a version reads like the template it came from.
  const order = templateRows(kind, departments).map((r) => `${r.department?.id ?? ''}|${r.line}`);
  return { rows: order.flatMap((k) => rows.get(k) ?? []), issues };
}

