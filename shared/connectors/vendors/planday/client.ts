import type { z } from 'zod';
import type { VendorHttp } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { vendorEndpoint } from '../../vendor-url.js';
import { department, employee, pageOf, punchClockBreak, punchClockShift, tokenAnswer, type Employee, type PunchClockBreak, type PunchClockShift } from './schemas.js';
import type { PlandayCredentials, PlandaySettings } from './settings.js';

export const VENDOR = 'Planday';

/**
 * Planday Open API v1.0 as the connector uses it: an access token from the app's refresh token
 * (`grant_type=refresh_token` with the App ID, no secret), then `Authorization: Bearer` and
 * `X-ClientId` on every call; offset pages (`limit` ≤ 50, `offset` advanced by what came back,
 * until `paging.total`). The token lives as long as the client (one run: Planday's access tokens
 * last an hour); a 401 gets one fresh token and one more try. Retries, 429 and the circuit belong
 * to the framework's VendorHttp.
 */
export class PlandayClient {
  objectsRead = 0;
  private token: Promise<string> | undefined;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: PlandaySettings,
    private readonly credentials: PlandayCredentials,
  ) {}

  private accessToken(): Promise<string> {
    this.token ??= this.http
      .send({ method: 'POST', url: this.settings.tokenUrl, form: { client_id: this.credentials.clientId, grant_type: 'refresh_token', refresh_token: this.credentials.refreshToken } })
      .catch((err: unknown) => {
        throw err instanceof VendorError && (err.reason === 'unauthorized' || err.reason === 'rejected') ? new VendorError('token_failed', VENDOR, err.details) : err;
      })
      .then((answer) => {
        const parsed = tokenAnswer.safeParse(answer.body);
        if (!parsed.success) throw new VendorError('token_failed', VENDOR, { status: answer.status, request: `POST ${new URL(this.settings.tokenUrl).pathname}` });
        return parsed.data.access_token;
      });
    this.token.catch(() => (this.token = undefined));
    return this.token;
  }

  private async get<S extends z.ZodType>(path: string, query: Record<string, string | number>, schema: S, retried = false): Promise<z.infer<S>> {
    const token = await this.accessToken();
    let body: unknown;
    try {
      body = (await this.http.send({ method: 'GET', url: vendorEndpoint(this.settings.apiBaseUrl, path), headers: { authorization: `Bearer ${token}`, 'x-clientid': this.credentials.clientId }, query })).body;
    } catch (err) {
      if (retried || !(err instanceof VendorError && err.status === 401)) throw err;
      // Expired or revoked early: one fresh token, one more try.
      this.token = undefined;
      return this.get(path, query, schema, true);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { request: `GET ${path.replace(/\/\d+/g, '/{id}')}` });
    return parsed.data;
  }

  private async all<T extends z.ZodType>(path: string, query: Record<string, string | number>, item: T): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    for (let offset = 0; ; ) {
      const page = (await this.get(path, { ...query, limit: this.settings.pageSize, offset }, pageOf(item))) as { data: Array<z.infer<T>>; paging?: { total?: number } | null };
      out.push(...page.data);
      this.objectsRead += page.data.length;
      // The server may lower the limit: advance by what came back.
      offset += page.data.length;
      if (page.data.length === 0 || offset >= (page.paging?.total ?? Infinity)) return out;
    }
  }

  /** Punch clock records between two local wall-clock times (`YYYY-MM-DDTHH:MM`), every department. */
  punchClockShifts(from: string, to: string): Promise<PunchClockShift[]> {
    return this.all('/punchclock/v1.0/punchclockshifts', { from, to }, punchClockShift);
  }

  async breaks(punchClockShiftId: number): Promise<PunchClockBreak[]> {
    const answer = await this.get(`/punchclock/v1.0/punchclockshifts/${punchClockShiftId}/breaks`, {}, pageOf(punchClockBreak));
    this.objectsRead += answer.data.length;
    return answer.data;
  }

  departments(): Promise<Array<{ id: number; name: string }>> {
    return this.all('/hr/v1.0/departments', {}, department);
  }

  /** Active and deactivated employees: a record's employee may have left since. */
  async employees(): Promise<Employee[]> {
    return [...(await this.all('/hr/v1.0/employees', {}, employee)), ...(await this.all('/hr/v1.0/employees/deactivated', {}, employee))];
  }
}
