import type { z } from 'zod';
import type { VendorHttp } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { leaveRule, operationalUnit, queryAnswer, timesheet, type LeaveRule, type OperationalUnit, type Timesheet } from './schemas.js';
import type { DeputyCredentials, DeputySettings } from './settings.js';

export const VENDOR = 'deputy';

/** One Resource API search condition: `{ field, type, data }` (types eq, ne, gt, ge, lt, le, in …). */
export interface SearchTerm {
  field: string;
  type: 'eq' | 'ge' | 'le' | 'gt' | 'lt' | 'in';
  data: string | number | number[];
}

/**
 * Deputy's Resource API as the connector uses it: bearer token, `POST …/resource/{Object}/QUERY`
 * with `search`, `sort`, `start`, `max` (Deputy answers at most 500 objects per request), pages until
 * one comes back short. Retries, 429 and the circuit belong to the framework's VendorHttp.
 */
export class DeputyClient {
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: DeputySettings,
    private readonly credentials: DeputyCredentials,
  ) {}

  private async call<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const response = await this.http.send({
      method,
      url: vendorEndpoint(this.settings.installUrl, `/api/v1/${path}`),
      headers: { authorization: `Bearer ${this.credentials.accessToken}`, accept: 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { status: response.status, request: `${method} /api/v1/${path.replace(/\/\d+$/, '/{id}')}` });
    return parsed.data;
  }

  private async query<T extends z.ZodType>(object: string, search: SearchTerm[], item: T): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    const max = this.settings.pageSize;
    const terms = Object.fromEntries(search.map((s, i) => [`s${i + 1}`, s]));
    for (let start = 0; start < 10_000_000; start += max) {
      const page = (await this.call('POST', `resource/${object}/QUERY`, { search: terms, sort: { Id: 'asc' }, start, max }, queryAnswer(item))) as Array<z.infer<T>>;
      out.push(...page);
      this.objectsRead += page.length;
      if (page.length < max) return out;
    }
    throw new VendorError('invalid_response', VENDOR, { request: `POST /api/v1/resource/${object}/QUERY` });
  }

  timesheets(search: SearchTerm[]): Promise<Timesheet[]> {
    return this.query('Timesheet', search, timesheet);
  }

  async timesheet(id: number): Promise<Timesheet> {
    const answer = await this.call('GET', `resource/Timesheet/${id}`, undefined, timesheet);
    this.objectsRead += 1;
    return answer;
  }

  operationalUnits(): Promise<OperationalUnit[]> {
    return this.query('OperationalUnit', [{ field: 'Company', type: 'in', data: [...this.settings.locationIds] }], operationalUnit);
  }

  /** The install's leave rules (leave types), to tell paid leave from unpaid. */
  leaveRules(): Promise<LeaveRule[]> {
    return this.query('LeaveRules', [{ field: 'Id', type: 'gt', data: 0 }], leaveRule);
  }
}
