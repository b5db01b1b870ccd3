import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { authorize } from '../access/authorize.js';
import { actorOf, auditEvent, type RequestMeta } from '../audit/emit.js';
import { checkIfMatch } from '../http/etag.js';
import { badRequest, notFound, preconditionFailed } from '../http/problem.js';
import { isStoreError } from '../platform/cosmos/errors.js';
import { kindOf, sourceTypesOf, type IntegrationItem } from '../integrations/model.js';
import { readIntegration } from '../integrations/service.js';
import type { FileMapping } from './mapping.js';
import { fileMappingId, fileMappingOf, type FileMappingItem } from './saved.js';
import { READY_MAPPINGS, type ReadyMappingName } from './mappings/index.js';
import { parseFile, type FileRowError } from './parse-file.js';
import { FileFormatError } from './readers/source.js';

/** Preview keeps this many errors; `errorCount` says how many there were. */
const PREVIEW_MAX_ERRORS = 1000;

export interface PreviewResult {
  source: 'request' | 'ready' | 'saved';
  ready?: ReadyMappingName;
  mapping: FileMapping;
  records: Array<Record<string, unknown>>;
  recordCount: number;
  rowsRead: number;
  errors: FileRowError[];
  errorCount: number;
}

/** Which mapping a preview or a save uses: one given whole, or a ready-made one by name. */
export type MappingChoice = { mapping: FileMapping; ready?: undefined } | { ready: ReadyMappingName; mapping?: undefined };

/**
 * Column mappings of file integrations: trying one on a sample file (preview: parses, writes
 * nothing), reading and saving the integration's mapping (If-Match, audited).
 */
export class FileMappings {
  constructor(
    private readonly platform: Pick<Platform, 'store' | 'outbox' | 'cipher'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async fileIntegration(principal: Principal, integrationId: string, permission: 'imports.read' | 'integrations.manage'): Promise<IntegrationItem> {
    const integration = await readIntegration(this.platform, principal.tenantId, integrationId);
    authorize(principal, permission, { tenantId: integration.tenantId, propertyId: integration.propertyId, kind: 'integration' });
    if (kindOf(integration) !== 'file') throw notFound('file integration');
    return integration;
  }

  private resolve(choice: MappingChoice, integration: IntegrationItem, field: string): { mapping: FileMapping; ready?: ReadyMappingName } {
    const chosen = choice.ready ? { mapping: READY_MAPPINGS[choice.ready].parsed, ready: choice.ready } : { mapping: choice.mapping };
    if (!sourceTypesOf(integration).includes(chosen.mapping.sourceType)) {
      const where = choice.ready ? field.replace(/mapping$/, 'ready') : `${field}.sourceType`;
      throw badRequest('The mapping does not fit this integration.', [{ field: where, message: `the integration takes ${sourceTypesOf(integration).join(', ')} records, the mapping makes ${chosen.mapping.sourceType}` }]);
    }
    return chosen;
  }

  /** The saved mapping; 404 when none was saved. */
  async read(principal: Principal, integrationId: string): Promise<FileMappingItem> {
    const integration = await this.fileIntegration(principal, integrationId, 'imports.read');
    const item = await fileMappingOf(this.platform, integration);
    if (!item) throw notFound('file mapping');
    return item;
  }

  /**
   * Parses a sample file with a mapping — the one given, a ready-made one, or else the saved one —
   * and answers the first `limit` records and the rows' errors. Nothing is stored.
   */
  async preview(principal: Principal, integrationId: string, file: { bytes: Buffer; contentType: string | undefined }, choice: MappingChoice | undefined, limit: number): Promise<PreviewResult> {
    const integration = await this.fileIntegration(principal, integrationId, 'integrations.manage');
    let used: { mapping: FileMapping; ready?: ReadyMappingName; source: PreviewResult['source'] };
    if (choice) used = { ...this.resolve(choice, integration, choice.ready ? 'query.ready' : 'query.mapping'), source: choice.ready ? 'ready' : 'request' };
    else {
      const saved = await fileMappingOf(this.platform, integration);
      if (!saved) throw badRequest('No mapping to preview with.', [{ field: 'query.mapping', message: 'required: the integration has no saved mapping (or pass ready)' }]);
      used = { mapping: saved.mapping, ...(saved.ready ? { ready: saved.ready } : {}), source: 'saved' };
    }
    const result: PreviewResult = { source: used.source, ...(used.ready ? { ready: used.ready } : {}), mapping: used.mapping, records: [], recordCount: 0, rowsRead: 0, errors: [], errorCount: 0 };
    try {
      for await (const step of parseFile(file.bytes, file.contentType, used.mapping)) {
        result.rowsRead += step.rowsRead;
        result.recordCount += step.batch.records.length;
        for (const r of step.batch.records) if (result.records.length < limit) result.records.push(r);
        result.errorCount += step.errors.length;
        for (const e of step.errors) if (result.errors.length < PREVIEW_MAX_ERRORS) result.errors.push(e);
      }
    } catch (err) {
      if (err instanceof FileFormatError) throw badRequest(`The file cannot be read with this mapping: ${err.message}`, [{ field: 'body', message: err.message }]);
      throw err;
    }
    return result;
  }

  /** Saves (creates or replaces) the integration's mapping; If-Match against the saved mapping's ETag; audited. */
  async save(principal: Principal, integrationId: string, choice: MappingChoice, ifMatch: string | undefined, meta: RequestMeta = {}): Promise<FileMappingItem> {
    const integration = await this.fileIntegration(principal, integrationId, 'integrations.manage');
    const { mapping, ready } = this.resolve(choice, integration, choice.ready ? 'body.ready' : 'body.mapping');
    const current = await fileMappingOf(this.platform, integration);
    // If-Match names a version of the mapping: with none saved yet there is nothing it can match.
    if (!current && ifMatch) throw preconditionFailed();
    const etag = current ? checkIfMatch(ifMatch, current) : undefined;
    const next: FileMappingItem = {
      id: fileMappingId(integration.id),
      type: 'fileMapping',
      tenantId: integration.tenantId,
      propertyId: integration.propertyId,
      integrationId: integration.id,
      mapping,
      ...(ready ? { ready } : {}),
      updatedAt: this.now().toISOString(),
      updatedBy: principal.userId,
    };
    const event = await auditEvent(this.platform.cipher, {
      ...meta,
      tenantId: integration.tenantId,
      actor: actorOf(principal),
      action: current ? 'integration.file_mapping_changed' : 'integration.file_mapping_set',
      target: { type: 'integration', id: integration.id },
      details: { sourceType: mapping.sourceType, fileKind: mapping.file.kind, columns: mapping.columns.length, ready: ready ?? null },
      ...(current ? { changes: { mapping: { before: current.mapping, after: mapping } } } : {}),
    });
    try {
      return await this.platform.outbox.commit('imports', current ? 'replace' : 'create', next, [event], etag);
    } catch (err) {
      // Someone saved in between: their version is not the one this request was based on.
      if (isStoreError(err, 'precondition_failed') || isStoreError(err, 'conflict')) throw preconditionFailed();
      throw err;
    }
  }
}
