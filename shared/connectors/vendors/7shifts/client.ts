import type { z } from 'zod';
import type { VendorHttp } from '../../connector.js';
import { VendorError } from '../../http/vendor-error.js';
import { department, listOf, oneUser, shift, timePunch, user, type Shift, type TimePunch, type User } from './schemas.js';
import type { SevenShiftsCredentials, SevenShiftsSettings } from './settings.js';

export const VENDOR = '7shifts';

/** Instants as 7shifts documents its filters: ISO 8601, UTC, whole seconds. */
const iso = (instant: string) => new Date(instant).toISOString().replace('.000Z', 'Z');

export interface PunchQuery {
  locationId: number;
  modifiedSince?: string;
  clockedInFrom?: string;
  clockedInTo?: string;
  userId?: number;
}

export interface ShiftQuery {
  locationId: number;
  modifiedSince?: string;
  startFrom?: string;
  startTo?: string;
  /** Published shifts deleted since (7shifts lists them only when asked). */
  deleted?: boolean;
}

/**
 * 7shifts API v2 as the connector uses it: bearer token, `x-api-version`, `x-company-guid`, keyset
 * pages (`limit`, `cursor` until `meta.cursor.next` is empty). Retries, 429 and the circuit belong to
 * the framework's VendorHttp.
 */
export class SevenShiftsClient {
  objectsRead = 0;

  constructor(
    private readonly http: VendorHttp,
    private readonly settings: SevenShiftsSettings,
    private readonly credentials: SevenShiftsCredentials,
  ) {}

  private path(rest: string): string {
    return `/v2/company/${this.settings.companyId}${rest}`;
  }

  private async get<S extends z.ZodType>(path: string, query: Record<string, string | number>, schema: S): Promise<z.infer<S>> {
    const response = await this.http.send({
      method: 'GET',
      url: `${this.settings.apiBaseUrl.replace(/\/+$/, '')}${path}`,
      headers: {
        authorization: `Bearer ${this.credentials.accessToken}`,
        'x-api-version': this.settings.apiVersion,
        ...(this.credentials.companyGuid ? { 'x-company-guid': this.credentials.companyGuid } : {}),
      },
      query,
    });
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new VendorError('invalid_response', VENDOR, { status: response.status, request: `GET ${path.replace(/\/\d+/g, '/{id}')}` });
    return parsed.data;
  }

  private async all<T extends z.ZodType>(path: string, query: Record<string, string | number>, item: T): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const answer = (await this.get(path, { ...query, limit: this.settings.pageSize, ...(cursor ? { cursor } : {}) }, listOf(item))) as { data: Array<z.infer<T>>; meta?: { cursor?: { next?: string | null } } };
      out.push(...answer.data);
      this.objectsRead += answer.data.length;
      const next = answer.meta?.cursor?.next;
      if (!next || next === cursor || answer.data.length === 0) return out;
      cursor = next;
    }
    throw new VendorError('invalid_response', VENDOR, { request: `GET ${path}` });
  }

  punches(q: PunchQuery): Promise<TimePunch[]> {
    return this.all(
      this.path('/time_punches'),
      {
        location_id: q.locationId,
        ...(q.modifiedSince ? { modified_since: iso(q.modifiedSince) } : {}),
        ...(q.clockedInFrom ? { 'clocked_in[gte]': iso(q.clockedInFrom) } : {}),
        ...(q.clockedInTo ? { 'clocked_in[lte]': iso(q.clockedInTo) } : {}),
        ...(q.userId !== undefined ? { user_id: q.userId } : {}),
        ...(this.settings.approvedOnly ? { approved: 'true' } : {}),
      },
      timePunch,
    );
  }

  /** Published shifts (the default of List Shifts; drafts are not asked for). */
  shifts(q: ShiftQuery): Promise<Shift[]> {
    return this.all(
      this.path('/shifts'),
      {
        location_id: q.locationId,
        ...(q.modifiedSince ? { modified_since: iso(q.modifiedSince) } : {}),
        ...(q.startFrom ? { 'start[gte]': iso(q.startFrom) } : {}),
        ...(q.startTo ? { 'start[lte]': iso(q.startTo) } : {}),
        ...(q.deleted ? { deleted: 'true' } : {}),
      },
      shift,
    );
  }

  users(): Promise<User[]> {
    return this.all(this.path('/users'), {}, user);
  }

  async user(userId: number): Promise<User> {
    const answer = await this.get(this.path(`/users/${userId}`), {}, oneUser);
    this.objectsRead += 1;
    return answer.data;
  }

  departments(): Promise<Array<{ id: number; name: string }>> {
    return this.all(this.path('/departments'), {}, department);
  }
}
