import ExcelJS from 'exceljs';
import { toCsv, type Cell } from '../reporting/csv.js';
import { DEPARTMENT_ROWS_BY_KIND, MONTHS, periodOf, PROPERTY_ROWS_BY_KIND, type PlanKind, type PlanRow } from './model.js';

/**
 * The upload template of a kind (docs/planning.md, "Template layout"): one row per department and
 * line (or KPI), then the property's own lines; columns `Department`, `Department name`, `Line`
 * and one per month `YYYY-MM`. Uploads are read back by the same header (upload.ts), so the
 * template is the file format.
 */

/** The department column's value on property-level rows. */
export const PROPERTY_CODE = 'PROPERTY';
export const HEADER_DEPARTMENT = 'Department';
export const HEADER_NAME = 'Department name';
export const HEADER_LINE = 'Line';

export interface TemplateDepartment {
  id: string;
  code: string;
  name: string;
}

export interface TemplateRow {
  department: TemplateDepartment | null;
  line: string;
}

/** The rows a template of `kind` has for these departments, in order (departments by code). */
export function templateRows(kind: PlanKind, departments: readonly TemplateDepartment[]): TemplateRow[] {
  const sorted = [...departments].sort((a, b) => a.code.localeCompare(b.code));
  return [
    ...sorted.flatMap((d) => DEPARTMENT_ROWS_BY_KIND[kind].map((line) => ({ department: d, line }))),
    ...PROPERTY_ROWS_BY_KIND[kind].map((line) => ({ department: null, line })),
  ];
}

export function templateHeader(year: number): string[] {
  return [HEADER_DEPARTMENT, HEADER_NAME, HEADER_LINE, ...Array.from({ length: MONTHS }, (_, m) => periodOf(year, m))];
}

/** The template's cells; with `figures`, a version's figures filled in (a downloaded version re-uploads as is). */
function cells(kind: PlanKind, year: number, departments: readonly TemplateDepartment[], figures?: readonly PlanRow[]): Cell[][] {
  const byKey = new Map((figures ?? []).map((r) => [`${r.departmentId ?? ''}|${r.line}`, r.months]));
  return templateRows(kind, departments).map((r) => {
    const months = byKey.get(`${r.department?.id ?? ''}|${r.line}`) ?? [];
    return [r.department?.code ?? PROPERTY_CODE, r.department?.name ?? 'Property', r.line, ...Array.from({ length: MONTHS }, (_, m) => months[m] ?? null)];
  });
}

export function templateCsv(kind: PlanKind, year: number, departments: readonly TemplateDepartment[], figures?: readonly PlanRow[]): string {
  return toCsv(templateHeader(year), cells(kind, year, departments, figures));
}

export async function templateXlsx(kind: PlanKind, year: number, departments: readonly TemplateDepartment[], figures?: readonly PlanRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(`${kind} ${year}`);
  sheet.addRow(templateHeader(year));
  for (const row of cells(kind, year, departments, figures)) sheet.addRow(row.map((c) => (c === undefined ? null : c)));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', xSplit: 3, ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
