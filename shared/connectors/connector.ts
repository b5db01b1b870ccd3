import type { z } from 'zod';
import type { SourceType } from '../integrations/formats/index.js';

/**
 * The contract every vendor connector implements. A connector is one folder under
 * `shared/connectors/vendors/<id>/` exporting one `Connector`, plus one line in
 * `shared/connectors/registry.ts`. It knows the vendor (how to authenticate, which endpoints to call,
 * how to page, what the objects look like) and how to turn the vendor's objects into our canonical
 * records; everything after that — facts, corrections, deletions, aggregates, rollups, audit, import
 * records — is the import pipeline's, the same as for a signed canonical webhook.
 */

/** How the connector authenticates to the vendor; the framework acquires and caches tokens. */
export type AuthKind =
  /** Mews Connector API: ClientToken + AccessToken + Client name in every JSON body. */
  | 'mews-tokens'
  /** OAuth 2.0 client credentials (apaleo identity server, OHIP with x-app-key). */
  | 'oauth-client-credentials'
  /** A long-lived access token the vendor issued to the integration (OAuth code flow or a personal token), sent by the connector as `Authorization: Bearer` (Square). */
  | 'bearer-token';

export interface ConnectorCapabilities {
  /** We call the vendor's API on a schedule. */
  pull: boolean;
  /** The vendor calls us with its own webhook shape and authentication. */
  push: boolean;
  /** The longest interval one vendor request may cover (e.g. Mews: 3 months for UpdatedUtc). */
  maxWindowDays: number;
  /**
   * False when the vendor has no change feed and a pull re-reads recent dates instead (OHIP REST's
   * statistics): run-now then always runs, even when the watermark is current. Default true.
   */
  changeFeed?: boolean;
  /**
   * Backfill windows of one integration read at once (default 1, at most 8): as many as the
   * vendor's rate limits allow for one property's first load.
   */
  backfillConcurrency?: number;
  /** Default schedule of a pull integration, NCRONTAB (six fields). */
  defaultSchedule: string;
}

export interface ConnectorManifest<Settings extends z.ZodType = z.ZodType, Credentials extends z.ZodType = z.ZodType> {
  /** Stable id, used in the API and in stored integrations: lower-case letters, digits and dashes. */
  id: string;
  name: string;
  vendor: string;
  /** The canonical source types this connector feeds. */
  sourceTypes: readonly SourceType[];
  auth: AuthKind;
  /** Non-secret settings the tenant chooses (base URL, property/hotel id in the vendor, mappings); a strict zod object. */
  settings: Settings;
  /** Secrets (tokens, client secrets); sealed under the tenant's key when stored, never returned. A strict zod object. */
  credentials: Credentials;
  capabilities: ConnectorCapabilities;
}

/** One batch of canonical records, exactly what a signed canonical webhook of `sourceType` would carry. */
export interface CanonicalBatch {
  sourceType: SourceType;
  /** Canonical records of the source type (validated by the format's zod schema in the pipeline), or deletions `{ id, deleted: true }`. */
  records: Array<Record<string, unknown>>;
}

/** A time window of the vendor's change feed, ISO 8601 instants, `from` inclusive, `to` exclusive. */
export interface PullWindow {
  from: string;
  to: string;
}

/** What a response from a vendor looks like to a connector (JSON already parsed). */
export interface VendorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface VendorRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: string;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** An `application/x-www-form-urlencoded` body instead (an OAuth token endpoint the connector calls itself: Planday's refresh grant); not with `body`. */
  form?: Record<string, string>;
  /** Query string parameters (arrays repeat the name). */
  query?: Record<string, string | number | boolean | Array<string | number>>;
  /**
   * A 3xx is answered to the connector (its Location and Set-Cookie headers), not refused; it is
   * never followed. For a login step that may redirect (Simphony's OpenID provider).
   */
  answerRedirect?: boolean;
}

/**
 * The framework's HTTP client as a connector sees it: timeouts, 429 with Retry-After, back-off with
 * jitter on 5xx and network errors, the circuit, and (for `oauth-client-credentials`) the bearer token
 * are all handled inside. A non-2xx answer that survives the retries is thrown as a VendorError.
 */
export interface VendorHttp {
  send(request: VendorRequest): Promise<VendorResponse>;
}

export interface ConnectorContext<Settings = unknown, Credentials = unknown> {
  settings: Settings;
  credentials: Credentials;
  http: VendorHttp;
  /** The property's IANA time zone (business dates are local dates). */
  timeZone: string;
  /** Today's date in the property's time zone (YYYY-MM-DD): dates from it on are on-the-books. */
  today: string;
}

export interface PullResult {
  batches: CanonicalBatch[];
  /** Vendor objects read, for status and benchmarks. */
  objectsRead: number;
}

export interface Connector<Settings extends z.ZodType = z.ZodType, Credentials extends z.ZodType = z.ZodType> {
  manifest: ConnectorManifest<Settings, Credentials>;
  /**
   * Reads what changed in `window` and returns the canonical records it implies. Must be a pure
   * function of the vendor's state: pulling the same window twice returns the same records (ids are
   * derived from vendor ids and dates), so a re-run after a crash does no harm.
   */
  pull(ctx: ConnectorContext<z.infer<Settings>, z.infer<Credentials>>, window: PullWindow): Promise<PullResult>;
  /**
   * Reads everything that determines the business dates `from`..`to` (inclusive, YYYY-MM-DD), for the
   * first load and for `POST /integrations/{id}/backfill`.
   */
  backfill(ctx: ConnectorContext<z.infer<Settings>, z.infer<Credentials>>, range: { from: string; to: string }): Promise<PullResult>;
  /** Present when the vendor can push (capabilities.push). */
  push?: PushHandler<z.infer<Settings>, z.infer<Credentials>>;
  /**
   * Where and how to obtain a bearer token; required when `manifest.auth` is `oauth-client-credentials`
   * (the framework's HTTP client acquires, caches and refreshes the token; the connector only names it).
   */
  tokenRequest?(settings: z.infer<Settings>, credentials: z.infer<Credentials>): TokenRequest;
}

/** An OAuth 2.0 client-credentials token request (RFC 6749 §4.4). */
export interface TokenRequest {
  /** Absolute URL of the token endpoint. */
  url: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** `basic` (RFC 6749 §2.3.1, the default) sends the client in an Authorization header; `body` in the form. */
  clientAuth?: 'basic' | 'body';
  /** Extra headers of the token request (OHIP: x-app-key). */
  headers?: Record<string, string>;
}

export interface PushRequest {
  headers: Record<string, string>;
  /** Query string of the URL the vendor called (Mews and apaleo put a shared token there). */
  query: Record<string, string>;
  body: Buffer;
}

export interface PushHandler<Settings, Credentials> {
  /** Checks the vendor's authentication of the request (constant-time); false → 401. */
  authenticate(request: PushRequest, credentials: Credentials): boolean;
  /**
   * Turns the vendor's event(s) into what to fetch: a health check is answered with no work; thin
   * events (entity ids) are fetched back and mapped. Out-of-order and duplicate events must be harmless.
   */
  handle(ctx: ConnectorContext<Settings, Credentials>, request: PushRequest): Promise<PullResult & { healthCheck?: boolean }>;
}
