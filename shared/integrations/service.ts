import { randomBytes } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { actorOf, auditEvent, type AuditEventInit, type EventActor, type RequestMeta } from '../audit/emit.js';
import type { FieldCipher, Sealed } from '../platform/crypto/field-cipher.js';
import type { PendingMessage } from '../platform/outbox/outbox.js';
import { badRequest, conflict, notFound, type FieldError } from '../http/problem.js';
import { checkIfMatch } from '../http/etag.js';
import { authorize } from '../access/authorize.js';
import { PLATFORM_TENANT, TENANT_SCOPE } from '../platform/topology.js';
import { LruCache } from '../platform/lru-cache.js';
import { generateSecret } from './signature.js';
import type { SourceType } from './formats/index.js';
import type { PropertyDirectory } from './properties.js';
import { kindOf, sourceTypesOf, type IntegrationIndexItem, type IntegrationItem, type IntegrationKind } from './model.js';
import { connectorById } from '../connectors/registry.js';
import type { Connector } from '../connectors/connector.js';
import type { IntegrationMappings } from './measures.js';
import { fileContainerName, type FileContainers } from './files-container.js';

/** What a client configures of a webhook integration. */
export type IntegrationInput = Pick<IntegrationItem, 'propertyId' | 'sourceType' | 'name' | 'format' | 'mappings' | 'enabled' | 'acceptance'>;

/**
 * A new integration of any kind as a client asks for it: a webhook names its source type; a pull or
 * vendor-push integration names its connector (which says the source types), the connector's
 * settings and credentials. The service checks the combination (400 naming the field).
 */
export type NewIntegration = Omit<IntegrationInput, 'sourceType'> & {
  kind?: IntegrationKind;
  sourceType?: SourceType;
  connector?: string;
  settings?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
};

export type IntegrationPatch = Partial<Pick<IntegrationInput, 'name' | 'format' | 'enabled' | 'acceptance'>> & {
  mappings?: Partial<IntegrationMappings>;
  /** A connector integration's settings, whole (validated by the connector). */
  settings?: Record<string, unknown>;
};

/**
 * Who makes a change: the tenant it is made in and the actor its audit event names. A user's
 * changes come with their principal (checked by the service); system work (the local demo seed)
 * comes through the system ports with a system actor.
 */
export interface ChangeCaller {
  tenantId: string;
  actor: EventActor;
}

export function callerOf(principal: Principal): ChangeCaller {
  return { tenantId: principal.tenantId, actor: actorOf(principal) };
}

/** A new signing secret (shown once), its id, and until when the earlier ones stay valid. */
export interface RotatedSecret {
  item: IntegrationItem;
  secret: string;
  secretId: string;
  previousValidUntil: string;
}

/** The public view of an integration: never a secret or credential, only when each was issued and which credential fields are set. */
export type IntegrationView = IntegrationInput &
  Pick<IntegrationItem, 'id' | 'secrets' | 'createdAt' | 'updatedAt' | 'connector' | 'settings' | 'credentials'> & {
    kind: IntegrationKind;
    sourceTypes: SourceType[];
    /** Webhook integrations: where the source system posts signed batches. */
    webhookPath?: string;
    /** Vendor-push integrations: where the vendor posts its events (plus whatever its authentication puts in the URL). */
    pushPath?: string;
    /** File integrations: where files are uploaded over HTTPS. */
    filesPath?: string;
    /** File integrations: the blob container files are dropped into (the SFTP local user's home). */
    container?: string;
  };

const SECRET_FIELD = 'integration.secret';
/** Integration secrets are the tenant's data, sealed under the tenant-level data key. */
export const TENANT_SUBJECT = '_tenant';

/** Where an integration secret is sealed: one field under the tenant's data key, told apart by the record id. */
function sealContext(tenantId: string, recordId: string) {
  return { tenantId, subjectId: TENANT_SUBJECT, field: SECRET_FIELD, recordId };
}

/** Seals a secret of integration `integrationId` (a signing secret by its id, or the connector credentials). */
export function sealIntegrationSecret(cipher: Pick<FieldCipher, 'seal'>, tenantId: string, integrationId: string, secretId: string, value: string): Promise<Sealed> {
  return cipher.seal(sealContext(tenantId, `${integrationId}:${secretId}`), value);
}

/** Opens a secret sealed by sealIntegrationSecret; undefined once it can no longer be decrypted. */
export async function openIntegrationSecret(cipher: Pick<FieldCipher, 'open'>, item: IntegrationItem, secretId: string, sealed: Sealed): Promise<string | undefined> {
  const opened = await cipher.open(sealContext(item.tenantId, `${item.id}:${secretId}`), sealed);
  return opened.redacted ? undefined : opened.value;
}

/** The secret id the connector credentials are sealed under (signing secrets' ids start with `sec_`). */
const CREDENTIALS_SECRET_ID = 'credentials';

export function sealCredentials(cipher: Pick<FieldCipher, 'seal'>, tenantId: string, integrationId: string, credentials: Record<string, unknown>): Promise<Sealed> {
  return sealIntegrationSecret(cipher, tenantId, integrationId, CREDENTIALS_SECRET_ID, JSON.stringify(credentials));
}

/** A connector integration's credentials, opened; undefined when it has none or they can no longer be decrypted. */
export async function openCredentials(cipher: Pick<FieldCipher, 'open'>, item: IntegrationItem): Promise<Record<string, unknown> | undefined> {
  if (!item.enc.credentials) return undefined;
  const value = await openIntegrationSecret(cipher, item, CREDENTIALS_SECRET_ID, item.enc.credentials);
  return value === undefined ? undefined : (JSON.parse(value) as Record<string, unknown>);
}

/** The integrations of a tenant: tenant-wide items of the `imports` container (read by id alone). */
export function integrationCollection(platform: Pick<Platform, 'store'>, tenantId: string) {
  return platform.store.collection<IntegrationItem>('imports', tenantId).scoped(TENANT_SCOPE);
}

/** An integration of `tenantId`; 404 when there is none. */
export async function readIntegration(platform: Pick<Platform, 'store'>, tenantId: string, integrationId: string): Promise<IntegrationItem> {
  const item = await integrationCollection(platform, tenantId).read(integrationId);
  if (!item || item.type !== 'integration') throw notFound('integration');
  return item;
}

function createdByOf(caller: ChangeCaller): string {
  // A user's id, or `system:<id>` for system work.
  return caller.actor.type === 'system' ? `system:${caller.actor.id}` : caller.actor.id;
}

/**
 * A connector's settings or credentials parsed by its schema; on failure the field errors go to
 * `errors` (named `body.<part>.<path>`; zod's messages name the expected type, never the value given).
 */
function connectorInput(connector: Connector, part: 'settings' | 'credentials', value: Record<string, unknown>, errors: FieldError[]): Record<string, unknown> | undefined {
  const parsed = connector.manifest[part].safeParse(value);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  for (const issue of parsed.error.issues) errors.push({ field: ['body', part, ...issue.path.map(String)].join('.'), message: issue.message });
  return undefined;
}

function newId(): string {
  return 'int_' + randomBytes(12).toString('base64url');
}

/** The audit event of a successful change made by `caller` in its tenant. */
export function integrationsEvent(
  cipher: Pick<FieldCipher, 'seal'>,
  caller: ChangeCaller,
  meta: RequestMeta,
  event: Pick<AuditEventInit, 'action' | 'target' | 'details' | 'changes'>,
): Promise<PendingMessage> {
  return auditEvent(cipher, { ...meta, ...event, tenantId: caller.tenantId, actor: caller.actor });
}

export function viewOf(item: IntegrationItem): IntegrationView {
  const kind = kindOf(item);
  return {
    id: item.id,
    kind,
    propertyId: item.propertyId,
    sourceType: item.sourceType,
    sourceTypes: sourceTypesOf(item),
    ...(item.connector ? { connector: item.connector } : {}),
    ...(item.settings ? { settings: item.settings } : {}),
    ...(item.credentials ? { credentials: { fields: [...item.credentials.fields], rotatedAt: item.credentials.rotatedAt } } : {}),
    name: item.name,
    format: item.format,
    mappings: item.mappings,
    enabled: item.enabled,
    acceptance: item.acceptance,
    ...(kind === 'webhook' ? { webhookPath: `/api/v1/integrations/${item.id}/webhook` } : {}),
    ...(kind === 'vendor-push' && item.connector ? { pushPath: `/api/v1/connectors/${item.connector}/push/${item.id}` } : {}),
    ...(kind === 'file' ? { filesPath: `/api/v1/integrations/${item.id}/files`, container: fileContainerName(item.id) } : {}),
    secrets: item.secrets.map((s) => ({ ...s })),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** How long a receiver trusts its copy of an integration: the staleness window for changes made on another instance. */
export const RECEIVING_CACHE_MS = 30_000;

/** An integration as a webhook receiver needs it: the item and its secrets, opened, with their expiry. */
export interface ReceivingIntegration {
  item: IntegrationItem;
  secrets: Array<{ value: string; expiresAt?: number }>;
}

/** Secrets of a receiving integration still valid at `now`. */
export function secretsValidAt(r: ReceivingIntegration, now = Date.now()): string[] {
  return r.secrets.filter((s) => s.expiresAt === undefined || s.expiresAt > now).map((s) => s.value);
}

/** Integrations of a tenant: CRUD, signing secrets and their rotation, and the platform index webhooks resolve through. */
export class IntegrationService {
  private readonly tenantOf = new LruCache<string, string>(10_000, 10 * 60_000);
  /**
   * Webhook look-ups (index entry, integration, opened secrets) kept for a short TTL: a receipt is
   * then one store write instead of three round trips. Changes made through this instance evict at
   * once; ones made on another instance are seen within the TTL (a disabled integration stops
   * accepting, a rotated-out secret stops verifying, after at most RECEIVING_CACHE_MS;
   * rotation keeps the old secret valid for the overlap anyway; a delivery accepted for an integration
   * deleted elsewhere ends as a failed import). Secret expiry is checked per use.
   */
  private readonly receiving: LruCache<string, ReceivingIntegration>;

  constructor(
    private readonly platform: Platform,
    /** Identity's read-only properties and departments. */
    readonly properties: PropertyDirectory,
    /** Where a file integration's blob container is created. */
    private readonly containers?: FileContainers,
  ) {
    this.receiving = new LruCache(10_000, RECEIVING_CACHE_MS);
  }

  /** Drops the cached receiving copy, as the TTL would: for changes written to the store by something other than this service. */
  forgetReceiving(integrationId: string): void {
    this.receiving.delete(integrationId);
  }

  /** The integration a webhook names, with its secrets opened; undefined when there is none. Tenant from the platform index only. */
  async forWebhook(integrationId: string): Promise<ReceivingIntegration | undefined> {
    const cached = this.receiving.get(integrationId);
    if (cached) return cached;
    const tenantId = await this.resolveTenant(integrationId);
    if (!tenantId) return undefined;
    const item = await this.collection(tenantId).read(integrationId);
    if (!item || item.type !== 'integration') return undefined;
    const secrets: ReceivingIntegration['secrets'] = [];
    for (const ref of item.secrets) {
      const sealed = item.enc.secrets[ref.id];
      if (!sealed) continue;
      const value = await openIntegrationSecret(this.platform.cipher, item, ref.id, sealed);
      if (value !== undefined) secrets.push(ref.expiresAt ? { value, expiresAt: Date.parse(ref.expiresAt) } : { value });
    }
    const resolved = { item, secrets };
    this.receiving.set(integrationId, resolved);
    return resolved;
  }

  private collection(tenantId: string) {
    return integrationCollection(this.platform, tenantId);
  }

  private get index() {
    return this.platform.store.collection<IntegrationIndexItem>('imports', PLATFORM_TENANT).scoped(TENANT_SCOPE);
  }

  get(tenantId: string, integrationId: string): Promise<IntegrationItem> {
    return readIntegration(this.platform, tenantId, integrationId);
  }

  async list(tenantId: string): Promise<IntegrationItem[]> {
    return this.collection(tenantId).all<IntegrationItem>("SELECT * FROM c WHERE c.type = 'integration' ORDER BY c.createdAt");
  }

  /** The tenant an integration belongs to, from the platform index (the webhook caller has no token). */
  async resolveTenant(integrationId: string): Promise<string | undefined> {
    const cached = this.tenantOf.get(integrationId);
    if (cached) return cached;
    const item = await this.index.read(`integration:${integrationId}`);
    if (!item) return undefined;
    this.tenantOf.set(integrationId, item.integrationTenantId);
    return item.integrationTenantId;
  }

  /** Secrets valid at `now`, opened. */
  async validSecrets(item: IntegrationItem, now = new Date()): Promise<string[]> {
    const out: string[] = [];
    for (const ref of item.secrets) {
      if (ref.expiresAt && Date.parse(ref.expiresAt) <= now.getTime()) continue;
      const sealed = item.enc.secrets[ref.id];
      if (!sealed) continue;
      const value = await openIntegrationSecret(this.platform.cipher, item, ref.id, sealed);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  private async validateMappings(tenantId: string, propertyId: string, mappings: IntegrationMappings, sourceTypes: SourceType[]): Promise<void> {
    const errors: FieldError[] = [];
    const ids = Object.values(mappings.departments);
    if (ids.length > 0) {
      const known = new Set((await this.properties.departments(tenantId, propertyId)).map((d) => d.id));
      for (const [code, id] of Object.entries(mappings.departments)) {
        if (!known.has(id)) errors.push({ field: `body.mappings.departments.${code}`, message: `'${id}' is not a department of the property` });
      }
    }
    if (!sourceTypes.includes('ams') && Object.keys(mappings.accounts).length > 0) {
      errors.push({ field: 'body.mappings.accounts', message: 'account mappings apply to ams integrations only' });
    }
    if (errors.length > 0) throw badRequest('The mappings are invalid.', errors);
  }

  private sealSecret(tenantId: string, integrationId: string, secretId: string, secret: string) {
    return sealIntegrationSecret(this.platform.cipher, tenantId, integrationId, secretId, secret);
  }

  /** An integration `principal` may manage (404 for other tenants' ids, 403 outside their properties). */
  private async manageable(principal: Principal, integrationId: string): Promise<IntegrationItem> {
    const item = await this.get(principal.tenantId, integrationId);
    authorize(principal, 'integrations.manage', { tenantId: item.tenantId, propertyId: item.propertyId, kind: 'integration' });
    return item;
  }

  /**
   * Creates an integration on a property the principal manages. A webhook's signing secret is
   * returned this once and stored only sealed; a connector integration's credentials are sealed and
   * never returned.
   */
  async create(principal: Principal, input: NewIntegration, meta: RequestMeta = {}): Promise<{ item: IntegrationItem; secret?: string }> {
    authorize(principal, 'integrations.manage', { tenantId: principal.tenantId, propertyId: input.propertyId, kind: 'property' });
    const { kind = 'webhook', sourceType, connector, settings, credentials, ...common } = input;
    if (kind === 'file') return this.createFileAs(callerOf(principal), { ...common, sourceType, connector, settings, credentials }, meta);
    if (kind !== 'webhook') return this.createConnectorAs(callerOf(principal), { ...common, kind, sourceType, connector, settings, credentials }, meta);
    const errors: FieldError[] = [];
    if (!sourceType) errors.push({ field: 'body.sourceType', message: 'required for a webhook integration' });
    for (const [field, value] of Object.entries({ connector, settings, credentials })) {
      if (value !== undefined) errors.push({ field: `body.${field}`, message: 'only pull and vendor-push integrations have a connector' });
    }
    if (errors.length > 0 || !sourceType) throw badRequest('The integration is invalid.', errors);
    return this.createAs(callerOf(principal), { ...common, sourceType }, meta);
  }

  /** Creates a webhook integration as `caller` (no authorization: principals come through create, the system through its port). */
  async createAs(caller: ChangeCaller, input: IntegrationInput, meta: RequestMeta): Promise<{ item: IntegrationItem; secret: string }> {
    await this.checkPlacement(caller.tenantId, input.propertyId, input.mappings, [input.sourceType]);
    const id = newId();
    const secretId = 'sec_' + randomBytes(6).toString('base64url');
    const secret = generateSecret();
    const now = new Date().toISOString();
    const item = await this.insert(caller, meta, {
      id,
      tenantId: caller.tenantId,
      type: 'integration',
      kind: 'webhook',
      propertyId: input.propertyId,
      sourceType: input.sourceType,
      name: input.name,
      format: input.format,
      mappings: input.mappings,
      enabled: input.enabled,
      acceptance: input.acceptance,
      secrets: [{ id: secretId, createdAt: now }],
      enc: { secrets: { [secretId]: await this.sealSecret(caller.tenantId, id, secretId, secret) } },
      createdAt: now,
      updatedAt: now,
      createdBy: createdByOf(caller),
    });
    return { item, secret };
  }

  /**
   * Creates a file integration and, first, its blob container (an empty container left by a failed
   * insert is harmless; an integration without its container would refuse every drop). Files are
   * read by their own type, so the format is `csv` whatever was asked.
   */
  private async createFileAs(caller: ChangeCaller, input: Omit<NewIntegration, 'kind'>, meta: RequestMeta): Promise<{ item: IntegrationItem }> {
    const errors: FieldError[] = [];
    if (!input.sourceType) errors.push({ field: 'body.sourceType', message: 'required for a file integration' });
    for (const [field, value] of Object.entries({ connector: input.connector, settings: input.settings, credentials: input.credentials })) {
      if (value !== undefined) errors.push({ field: `body.${field}`, message: 'only pull and vendor-push integrations have a connector' });
    }
    if (errors.length > 0 || !input.sourceType) throw badRequest('The integration is invalid.', errors);
    if (!this.containers) throw new Error('file integrations need the blob store (FileContainers) in this service');
    await this.checkPlacement(caller.tenantId, input.propertyId, input.mappings, [input.sourceType]);
    const id = newId();
    await this.containers.ensureContainer(fileContainerName(id));
    const now = new Date().toISOString();
    const item = await this.insert(caller, meta, {
      id,
      tenantId: caller.tenantId,
      type: 'integration',
      kind: 'file',
      propertyId: input.propertyId,
      sourceType: input.sourceType,
      name: input.name,
      format: 'csv',
      mappings: input.mappings,
      enabled: input.enabled,
      acceptance: input.acceptance,
      secrets: [],
      enc: { secrets: {} },
      createdAt: now,
      updatedAt: now,
      createdBy: createdByOf(caller),
    });
    return { item };
  }

  /** Creates a pull or vendor-push integration: the connector's settings and credentials validated, the credentials sealed. */
  private async createConnectorAs(
    caller: ChangeCaller,
    input: Omit<NewIntegration, 'kind'> & { kind: Exclude<IntegrationKind, 'webhook' | 'file'> },
    meta: RequestMeta,
  ): Promise<{ item: IntegrationItem }> {
    const connector = input.connector === undefined ? undefined : connectorById(input.connector);
    if (!connector) throw badRequest('The integration is invalid.', [{ field: 'body.connector', message: input.connector === undefined ? `required for a ${input.kind} integration` : 'unknown connector (GET /api/v1/connectors lists them)' }]);
    const m = connector.manifest;
    const errors: FieldError[] = [];
    if (input.kind === 'pull' && !m.capabilities.pull) errors.push({ field: 'body.kind', message: `the ${m.name} connector cannot pull` });
    if (input.kind === 'vendor-push' && !m.capabilities.push) errors.push({ field: 'body.kind', message: `the ${m.name} connector takes no pushes` });
    if (input.sourceType !== undefined && !m.sourceTypes.includes(input.sourceType)) errors.push({ field: 'body.sourceType', message: `the ${m.name} connector feeds ${m.sourceTypes.join(', ')}` });
    if (input.format !== 'json') errors.push({ field: 'body.format', message: 'connector integrations produce json batches' });
    const settings = connectorInput(connector, 'settings', input.settings ?? {}, errors);
    const credentials = connectorInput(connector, 'credentials', input.credentials ?? {}, errors);
    if (errors.length > 0 || !settings || !credentials) throw badRequest('The integration is invalid.', errors);
    const sourceTypes = [...m.sourceTypes];
    await this.checkPlacement(caller.tenantId, input.propertyId, input.mappings, sourceTypes);
    const id = newId();
    const now = new Date().toISOString();
    const item = await this.insert(caller, meta, {
      id,
      tenantId: caller.tenantId,
      type: 'integration',
      kind: input.kind,
      connector: m.id,
      settings,
      sourceTypes,
      credentials: { fields: Object.keys(credentials).sort(), rotatedAt: now },
      propertyId: input.propertyId,
      sourceType: sourceTypes[0] as SourceType,
      name: input.name,
      format: 'json',
      mappings: input.mappings,
      enabled: input.enabled,
      acceptance: input.acceptance,
      secrets: [],
      enc: { secrets: {}, credentials: await sealCredentials(this.platform.cipher, caller.tenantId, id, credentials) },
      createdAt: now,
      updatedAt: now,
      createdBy: createdByOf(caller),
    });
    return { item };
  }

  /** The property exists in the tenant and the mappings name its departments. */
  private async checkPlacement(tenantId: string, propertyId: string, mappings: IntegrationMappings, sourceTypes: SourceType[]): Promise<void> {
    const property = await this.properties.property(tenantId, propertyId);
    if (!property) throw badRequest('The property does not exist.', [{ field: 'body.propertyId', message: 'unknown property' }]);
    await this.validateMappings(tenantId, propertyId, mappings, sourceTypes);
  }

  /** Writes a new integration, its platform index entry and its audit event. */
  private async insert(caller: ChangeCaller, meta: RequestMeta, item: IntegrationItem): Promise<IntegrationItem> {
    // The index entry first: a webhook can resolve the tenant only once it exists, and an orphan
    // index entry (if the next write fails) points at an integration that is not there: 401.
    await this.index.upsert({ id: `integration:${item.id}`, tenantId: PLATFORM_TENANT, type: 'integrationIndex', integrationId: item.id, integrationTenantId: item.tenantId });
    const details: Record<string, string | boolean> = { propertyId: item.propertyId, kind: kindOf(item), sourceType: item.sourceType, format: item.format, enabled: item.enabled, acceptance: item.acceptance };
    if (item.connector) details.connector = item.connector;
    if (item.sourceTypes) details.sourceTypes = item.sourceTypes.join(',');
    // Field names only: which credentials were given, never a value.
    if (item.credentials) details.credentialFields = item.credentials.fields.join(',');
    const event = await integrationsEvent(this.platform.cipher, caller, meta, { action: 'integration.created', target: { type: 'integration', id: item.id }, details });
    return this.platform.outbox.commit('imports', 'create', item, [event]);
  }

  /** Changes an integration the principal manages: 404, then 403, then 412 on a stale If-Match. */
  async update(principal: Principal, integrationId: string, patch: IntegrationPatch, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<IntegrationItem> {
    const current = await this.manageable(principal, integrationId);
    const etag = checkIfMatch(ifMatch, current);
    const mappings: IntegrationMappings = {
      departments: patch.mappings?.departments ?? current.mappings.departments,
      accounts: patch.mappings?.accounts ?? current.mappings.accounts,
    };
    if (patch.format === 'csv' && kindOf(current) !== 'webhook' && kindOf(current) !== 'file') throw badRequest('The integration is invalid.', [{ field: 'body.format', message: 'connector integrations produce json batches' }]);
    if (patch.mappings) await this.validateMappings(principal.tenantId, current.propertyId, mappings, sourceTypesOf(current));
    let settings = current.settings;
    if (patch.settings !== undefined) {
      const connector = current.connector === undefined ? undefined : connectorById(current.connector);
      if (!connector) throw badRequest('The integration is invalid.', [{ field: 'body.settings', message: 'only pull and vendor-push integrations have settings' }]);
      const errors: FieldError[] = [];
      settings = connectorInput(connector, 'settings', patch.settings, errors);
      if (errors.length > 0) throw badRequest('The settings are invalid.', errors);
    }
    const next: IntegrationItem = {
      ...current,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.format !== undefined ? { format: patch.format } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.acceptance !== undefined ? { acceptance: patch.acceptance } : {}),
      ...(settings !== undefined ? { settings } : {}),
      mappings,
      updatedAt: new Date().toISOString(),
    };
    const changes: Record<string, { before?: unknown; after?: unknown }> = {};
    for (const k of ['name', 'format', 'enabled', 'acceptance', 'mappings', 'settings'] as const) {
      if (JSON.stringify(current[k]) !== JSON.stringify(next[k])) changes[k] = { before: current[k], after: next[k] };
    }
    const event = await integrationsEvent(this.platform.cipher, callerOf(principal), meta, { action: 'integration.updated', target: { type: 'integration', id: integrationId }, changes });
    const written = await this.platform.outbox.commit('imports', 'replace', next, [event], etag);
    this.receiving.delete(integrationId);
    return written;
  }

  /** Deletes the integration and its index entry; its imports, facts and aggregates stay. */
  async remove(principal: Principal, integrationId: string, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<void> {
    const current = await this.manageable(principal, integrationId);
    const etag = checkIfMatch(ifMatch, current);
    await this.platform.outbox.emit(principal.tenantId, [
      await integrationsEvent(this.platform.cipher, callerOf(principal), meta, {
        action: 'integration.deleted',
        target: { type: 'integration', id: integrationId },
        details: { propertyId: current.propertyId, sourceType: current.sourceType },
      }),
    ]);
    await this.collection(principal.tenantId).delete(integrationId, etag);
    await this.index.delete(`integration:${integrationId}`);
    this.tenantOf.delete(integrationId);
    this.receiving.delete(integrationId);
  }

  /**
   * Issues a new secret. Secrets issued before stay valid for the overlap (so senders can switch
   * without losing deliveries), then stop verifying; expired ones are dropped.
   */
  async rotateSecret(principal: Principal, integrationId: string, meta: RequestMeta = {}): Promise<RotatedSecret> {
    return this.rotateSecretOf(await this.manageable(principal, integrationId), callerOf(principal), meta);
  }

  /** Rotates the secret of an integration of `caller`'s tenant as `caller` (no authorization: the system port's way in). */
  async rotateSecretAs(caller: ChangeCaller, integrationId: string, meta: RequestMeta): Promise<RotatedSecret> {
    return this.rotateSecretOf(await this.get(caller.tenantId, integrationId), caller, meta);
  }

  private async rotateSecretOf(current: IntegrationItem, caller: ChangeCaller, meta: RequestMeta): Promise<RotatedSecret> {
    const integrationId = current.id;
    if (kindOf(current) !== 'webhook') throw conflict('Only webhook integrations have signing secrets; rotate a connector integration\'s credentials with PUT /api/v1/integrations/{id}/credentials.');
    const now = new Date();
    const until = new Date(now.getTime() + this.platform.config.WEBHOOK_SECRET_OVERLAP_HOURS * 3600_000).toISOString();
    const kept = current.secrets
      .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime())
      .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
    const secretId = 'sec_' + randomBytes(6).toString('base64url');
    const secret = generateSecret();
    const enc = { secrets: Object.fromEntries(kept.map((s) => [s.id, current.enc.secrets[s.id]]).filter(([, v]) => v !== undefined)) };
    enc.secrets[secretId] = await this.sealSecret(current.tenantId, integrationId, secretId, secret);
    const next: IntegrationItem = { ...current, secrets: [...kept, { id: secretId, createdAt: now.toISOString() }], enc, updatedAt: now.toISOString() };
    const event = await integrationsEvent(this.platform.cipher, caller, meta, { action: 'integration.secret_rotated', target: { type: 'integration', id: integrationId }, details: { secretId, previousValidUntil: until } });
    const item = await this.platform.outbox.commit('imports', 'replace', next, [event], current._etag);
    this.receiving.delete(integrationId);
    return { item, secret, secretId, previousValidUntil: until };
  }

  /**
   * Replaces a connector integration's credentials (validated by its connector, sealed; the old ones
   * are gone). The audit event names the credential fields, never a value. 412 on a stale If-Match.
   */
  async rotateCredentials(principal: Principal, integrationId: string, credentials: Record<string, unknown>, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<IntegrationItem> {
    const current = await this.manageable(principal, integrationId);
    const etag = checkIfMatch(ifMatch, current);
    const connector = current.connector === undefined ? undefined : connectorById(current.connector);
    if (!connector) throw conflict('Only pull and vendor-push integrations have credentials; a webhook integration rotates its signing secret (POST /api/v1/integrations/{id}/rotate-secret).');
    const errors: FieldError[] = [];
    const parsed = connectorInput(connector, 'credentials', credentials, errors);
    if (errors.length > 0 || !parsed) throw badRequest('The credentials are invalid.', errors);
    const now = new Date().toISOString();
    const fields = Object.keys(parsed).sort();
    const next: IntegrationItem = {
      ...current,
      credentials: { fields, rotatedAt: now },
      enc: { ...current.enc, credentials: await sealCredentials(this.platform.cipher, current.tenantId, integrationId, parsed) },
      updatedAt: now,
    };
    const event = await integrationsEvent(this.platform.cipher, callerOf(principal), meta, {
      action: 'integration.credentials_rotated',
      target: { type: 'integration', id: integrationId },
      details: { connector: connector.manifest.id, fields: fields.join(',') },
    });
    const written = await this.platform.outbox.commit('imports', 'replace', next, [event], etag);
    this.receiving.delete(integrationId);
    return written;
  }
}
