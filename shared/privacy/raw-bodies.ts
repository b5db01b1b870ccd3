import type { Platform } from '../platform/platform.js';
import { readCsv } from '../integrations/csv.js';
import { FORMATS, SOURCE_TYPES } from '../integrations/formats/index.js';
import type { ImportItem } from '../integrations/model.js';
import { RawBodyMissing, RawStore } from '../integrations/raw-store.js';

/** The source types whose records name employees (a format with `personal`): their bodies may need purging. */
const PERSONAL_SOURCE_TYPES = SOURCE_TYPES.filter((t) => FORMATS[t].personal !== undefined);

/**
 * Every value in a received body that could be an employee number: JSON strings and numbers at any
 * depth, or every CSV cell. Invalid records count too — a rejected row still names the person.
 */
export function candidateValues(body: Buffer): string[] {
  const text = body.toString('utf8');
  const out: string[] = [];
  try {
    const walk = (v: unknown): void => {
      if (typeof v === 'string') out.push(v);
      else if (typeof v === 'number') out.push(String(v));
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(text));
    return out;
  } catch {
    // not JSON: read it as CSV below
  }
  try {
    for (const row of readCsv(body).rows) out.push(...Object.values(row.values));
    return out;
  } catch {
    // Neither format: fall back to any token, so an unreadable body is judged conservatively.
    return text.split(/[\s,;:"'{}[\]]+/).filter(Boolean);
  }
}

/**
 * Raw import bodies are sealed under the tenant's key (one body holds many employees), so
 * shredding an employee's key does not reach them. A body that names the employee is purged the
 * way retention purges bodies: the import record stays (counts, status), the sealed body goes and
 * the record is marked `raw.purgedAt` with `raw.purgedBy: 'redaction'`. Such an import can no
 * longer be replayed; its facts, and so the reports, are unchanged.
 */
export class RawBodyRedactor {
  private readonly raw: RawStore;

  constructor(private readonly platform: Platform) {
    this.raw = new RawStore(platform);
  }

  /** Purges every stored body of the tenant that mentions the employee (the source types whose records name employees: time records, scheduled shifts); returns how many. */
  async purgeMentioning(tenantId: string, employeeIndex: string): Promise<{ scanned: number; purged: number }> {
    const imports = this.platform.store.collection<ImportItem>('imports', tenantId);
    const candidates = await imports.all<ImportItem>("SELECT * FROM c WHERE c.type = 'import' AND ARRAY_CONTAINS(@types, c.sourceType) AND NOT IS_DEFINED(c.raw.purgedAt)", { types: PERSONAL_SOURCE_TYPES });
    let purged = 0;
    for (const item of candidates) {
      if (await this.mentions(item, employeeIndex)) {
        await this.purge(item);
        purged += 1;
      }
    }
    return { scanned: candidates.length, purged };
  }

  private async mentions(item: ImportItem, employeeIndex: string): Promise<boolean> {
    let body: Buffer;
    try {
      body = await this.raw.get(item);
    } catch (err) {
      if (err instanceof RawBodyMissing) return false;
      throw err;
    }
    const seen = new Set<string>();
    for (const value of candidateValues(body)) {
      if (value.length === 0 || value.length > 64 || seen.has(value)) continue;
      seen.add(value);
      if ((await this.platform.blindIndex.compute(item.tenantId, 'employeeNumber', value)) === employeeIndex) return true;
    }
    return false;
  }

  private purge(item: ImportItem): Promise<void> {
    return this.raw.purge(item, { purgedAt: new Date().toISOString(), purgedBy: 'redaction' });
  }
}
