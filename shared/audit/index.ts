import type { TokenCredential } from '@azure/identity';
import type { Platform } from '../platform/platform.js';
import type { Principal } from '../access/principal.js';
import { auditMessage, type AuditEvent, type NewAuditEvent } from './event.js';
import { actorOf, auditEvent, type RequestMeta } from './emit.js';
import { checkpointId, entryHash, GENESIS_HASH, type ChainEntry, type StoredCheckpoint } from './chain.js';
import { AuditRepository, type VerifiedMarker } from './repository.js';
import { AuditAppender } from './appender.js';
import { CheckpointScheduler } from './checkpoint-due.js';
import { createAuditSigner, type AuditSigner } from './signer.js';
import { bySeq, ChainVerifier, verifyCheckpoints, type ExportMeta, type VerifyResult, type ChainStart } from './verify.js';
import { AuditViewRenderer, type AuditViewEntry, type Viewer } from './views.js';
import type { PersonNames } from './names.js';
import { errorMessage } from '../platform/log.js';
import type { JSONWebKeySet } from 'jose';
import type { Params } from '../platform/cosmos/store.js';

export interface ListFilter {
  from?: string;
  to?: string;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
}

/**
 * The audit trail of every tenant: emission (through the outbox), the append-only hash chain fed
 * by the session-enabled `audit` queue, signed checkpoints, verification, views and export.
 */
export class AuditLog {
  readonly repo: AuditRepository;
  readonly signer: AuditSigner;
  private readonly appender: AuditAppender;
  private readonly checkpointsDue: CheckpointScheduler;
  private readonly renderer: AuditViewRenderer;

  constructor(
    private readonly platform: Platform,
    signer: AuditSigner,
    names: PersonNames,
  ) {
    this.repo = new AuditRepository(platform.store);
    this.signer = signer;
    this.appender = new AuditAppender(this.repo, platform.log);
    this.checkpointsDue = new CheckpointScheduler(platform.bus, platform.config.AUDIT_CHECKPOINT_DELAY_SECONDS * 1000);
    this.renderer = new AuditViewRenderer(platform.cipher, names);
  }

  /** Emits an event that belongs to no other state change (it rides in an outbox record). */
  async record(event: NewAuditEvent): Promise<void> {
    await this.platform.outbox.emit(event.tenantId, [auditMessage(event)]);
  }

  /**
   * Appends a delivered event to its tenant's chain (a redelivery of the same event id is a no-op)
   * and makes sure a checkpoint follows within AUDIT_CHECKPOINT_DELAY_SECONDS. A duplicate asks too:
   * it may be the retry of a delivery whose append landed but whose request failed.
   */
  async append(event: AuditEvent): Promise<'appended' | 'duplicate'> {
    const outcome = await this.appender.append(event);
    await this.checkpointsDue.appended(event.tenantId);
    return outcome;
  }

  publicKeys(): Promise<JSONWebKeySet> {
    return this.signer.publicKeys();
  }

  /** Signs the head of one tenant's chain if it moved since the last checkpoint. */
  async checkpoint(tenantId: string, now = new Date()): Promise<StoredCheckpoint | undefined> {
    const last = await this.repo.latestCheckpoint(tenantId);
    const head = await this.repo.head(tenantId, last ? { seq: last.seq, hash: last.headHash } : undefined);
    if (head.seq === 0 || (last && last.seq >= head.seq)) return undefined;
    const claims = { tenantId, seq: head.seq, headHash: head.hash, at: now.toISOString() };
    const { jws, kid } = await this.signer.sign(claims);
    const id = checkpointId(head.seq);
    const cp: StoredCheckpoint = { id, type: 'auditCheckpoint', eventId: id, ...claims, jws, kid };
    return (await this.repo.create(cp)) === 'created' ? cp : undefined;
  }

  /** The checkpoint timer: every tenant with entries since its last checkpoint. */
  async checkpointAll(): Promise<number> {
    let made = 0;
    for await (const tenantId of this.repo.tenants()) {
      try {
        if (await this.checkpoint(tenantId)) made += 1;
      } catch (err) {
        this.platform.log.error('audit checkpoint failed', { tenantId, error: errorMessage(err) });
      }
    }
    return made;
  }

  /**
   * Verifies a tenant's chain: every checkpoint signature, then every entry in seq order (hash,
   * link, gaps, duplicates), against the signed heads, and that the chain reaches its last
   * checkpoint. With `incremental`, starts at the checkpoint the last good nightly run recorded.
   */
  async verify(tenantId: string, options: { incremental?: boolean } = {}): Promise<VerifyResult> {
    let records = await this.repo.checkpoints(tenantId);
    const verified = options.incremental ? await this.repo.latestVerified(tenantId) : undefined;
    // Incremental runs re-check only the signatures from the last good checkpoint on.
    if (verified) records = records.filter((r) => r.seq >= verified.seq);
    const { claims, broken } = await verifyCheckpoints(records, await this.signer.publicKeys(), tenantId);
    let start: ChainStart = { tenantId };
    if (verified && !broken) {
      const anchor = await this.anchor(tenantId, verified.seq, claims);
      if (anchor) start = anchor;
      else return this.verify(tenantId);
    }
    const verifier = new ChainVerifier(start, claims);
    let continuation: string | undefined;
    walk: do {
      const page = await this.repo.entriesPage(tenantId, start.fromSeq ?? 1, continuation);
      for (const e of page.items.sort(bySeq)) if (!verifier.push(e as unknown as Record<string, unknown>)) break walk;
      continuation = page.continuation;
    } while (continuation);
    const result = verifier.finish();
    if (broken && (result.firstBrokenSeq === undefined || broken.seq < result.firstBrokenSeq)) {
      return { ...result, ok: false, firstBrokenSeq: broken.seq, reason: broken.reason };
    }
    return result;
  }

  /** The start after the last good checkpoint, if that checkpoint is still there and its signed head matches the stored entry. */
  private async anchor(tenantId: string, seq: number, claims: { seq: number; headHash: string }[]): Promise<ChainStart | undefined> {
    const cp = claims.find((c) => c.seq === seq);
    if (!cp) return undefined;
    const entry = await this.repo.entry(tenantId, cp.seq);
    if (!entry || entryHash(entry as unknown as Record<string, unknown>) !== cp.headHash || entry.hash !== cp.headHash) return undefined;
    return { tenantId, fromSeq: cp.seq + 1, prevHash: cp.headHash };
  }

  /**
   * The nightly job: verifies every tenant incrementally. A good run records its last checkpoint as
   * the next start; a break is logged as an error (alerted on) and recorded as audit.integrity_failed.
   */
  async verifyAll(): Promise<{ tenants: number; failed: string[] }> {
    let tenants = 0;
    const failed: string[] = [];
    for await (const tenantId of this.repo.tenants()) {
      tenants += 1;
      try {
        const result = await this.verify(tenantId, { incremental: true });
        if (result.ok) {
          await this.noteVerified(tenantId, result.checkedTo);
          continue;
        }
        failed.push(tenantId);
        this.platform.log.error('audit.integrity_failed', {
          event: 'audit.integrity_failed',
          tenantId,
          firstBrokenSeq: result.firstBrokenSeq,
          reason: result.reason,
        });
        await this.record({
          tenantId,
          actor: { type: 'system', id: 'audit-verifier' },
          action: 'audit.integrity_failed',
          target: { type: 'auditLog', id: tenantId },
          outcome: 'failure',
          details: { firstBrokenSeq: result.firstBrokenSeq ?? null, reason: result.reason ?? null, checkedTo: result.checkedTo },
        });
      } catch (err) {
        this.platform.log.error('audit verification could not run', { tenantId, error: errorMessage(err) });
      }
    }
    return { tenants, failed };
  }

  private async noteVerified(tenantId: string, checkedTo: number): Promise<void> {
    const cp = (await this.repo.checkpoints(tenantId)).filter((c) => c.seq <= checkedTo).at(-1);
    if (!cp) return;
    const id = `verified:${cp.id}`;
    const marker: VerifiedMarker = { id, tenantId, type: 'auditVerified', eventId: id, seq: cp.seq, at: new Date().toISOString() };
    await this.repo.create(marker);
  }

  /** One page of the tenant's log, newest first, rendered for the viewer. */
  async list(
    tenantId: string,
    filter: ListFilter,
    viewer: Viewer,
    page: { limit: number; continuation?: string },
  ): Promise<{ items: AuditViewEntry[]; continuation?: string }> {
    const where = ["c.tenantId = @tenantId", "c.type = 'auditEntry'"];
    const params: Params = { tenantId };
    const add = (clause: string, name: string, value: string | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params[name] = value;
    };
    add('c.occurredAt >= @from', 'from', filter.from);
    add('c.occurredAt < @to', 'to', filter.to);
    add('c.actorId = @actorId', 'actorId', filter.actorId);
    add('c.action = @action', 'action', filter.action);
    add('c.targetType = @targetType', 'targetType', filter.targetType);
    add('c.targetId = @targetId', 'targetId', filter.targetId);
    // Customers filter on what they see: platform actors' ids are not theirs to search by.
    if (!viewer.full && filter.actorId) where.push("c.actorType != 'platform-operator' AND c.actorType != 'support-agent'");
    const res = await this.repo
      .collection(tenantId)
      .page<ChainEntry>(`SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.seq DESC`, params, {
        pageSize: page.limit,
        ...(page.continuation ? { continuation: page.continuation } : {}),
      });
    const items = [];
    const names = this.renderer.nameCache();
    for (const e of res.items) items.push(await this.renderer.render(e, viewer, names));
    return res.continuation ? { items, continuation: res.continuation } : { items };
  }

  /**
   * The export as NDJSON lines: metadata, the checkpoints inside the range, then the entries in seq
   * order. `from`/`to` select by recordedAt, which never decreases along the chain, so the range is
   * a contiguous run of seqs that verifies on its own (anchored by `prevHash` in the metadata).
   * Each entry line is the stored entry plus `_display`, the names the viewer's audit view shows
   * (opened now; outside the hash, like every `_` field, so the entry still verifies offline).
   */
  async *exportLines(tenantId: string, range: { from?: string; to?: string }, keysUrl: string, viewer: Viewer = { full: false, network: false }): AsyncGenerator<string> {
    const where = ["c.tenantId = @tenantId", "c.type = 'auditEntry'"];
    const params: Params = { tenantId };
    if (range.from) {
      where.push('c.recordedAt >= @from');
      params.from = range.from;
    }
    if (range.to) {
      where.push('c.recordedAt < @to');
      params.to = range.to;
    }
    const bound = async (dir: 'ASC' | 'DESC'): Promise<ChainEntry | undefined> =>
      (await this.repo.collection(tenantId).all<ChainEntry>(`SELECT TOP 1 * FROM c WHERE ${where.join(' AND ')} ORDER BY c.seq ${dir}`, params))[0];
    const first = await bound('ASC');
    const last = first ? await bound('DESC') : undefined;
    const firstSeq = first?.seq ?? 0;
    const lastSeq = last?.seq ?? 0;
    const meta: ExportMeta = {
      type: 'auditExportMeta',
      format: 1,
      tenantId,
      exportedAt: new Date().toISOString(),
      ...(range.from ? { from: range.from } : {}),
      ...(range.to ? { to: range.to } : {}),
      firstSeq,
      lastSeq,
      prevHash: first?.prevHash ?? GENESIS_HASH,
      keysUrl,
    };
    yield JSON.stringify(meta);
    if (!first) return;
    for (const cp of await this.repo.checkpoints(tenantId)) {
      if (cp.seq < firstSeq || cp.seq > lastSeq) continue;
      yield JSON.stringify({ type: 'auditCheckpoint', tenantId: cp.tenantId, seq: cp.seq, headHash: cp.headHash, at: cp.at, jws: cp.jws });
    }
    const names = this.renderer.nameCache();
    let continuation: string | undefined;
    do {
      const page = await this.repo.entriesPage(tenantId, firstSeq, continuation);
      for (const e of page.items.sort(bySeq)) {
        if (e.seq > lastSeq) return;
        yield JSON.stringify({ ...exported(e), _display: await this.renderer.displayNames(e, viewer, names) });
      }
      continuation = page.continuation;
    } while (continuation);
  }

  /** Records that someone read the audit log (itself an audit event, in the chain that was read). */
  async viewed(
    tenantId: string,
    principal: Principal,
    what: { view: 'list' | 'verify' | 'export'; count?: number },
    meta: RequestMeta,
  ): Promise<void> {
    const event = await auditEvent(this.platform.cipher, {
      tenantId,
      actor: actorOf(principal),
      action: 'audit.viewed',
      target: { type: 'auditLog', id: tenantId },
      details: { view: what.view, ...(what.count !== undefined ? { count: what.count } : {}) },
      ...meta,
    });
    await this.platform.outbox.emit(tenantId, [event]);
  }
}

/** An entry as exported: its stored fields without the store's own (_etag, _ts). */
function exported(e: ChainEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

export function createAuditLog(platform: Platform, deps: { credential: () => TokenCredential; names: PersonNames }): AuditLog {
  return new AuditLog(platform, createAuditSigner(platform.config, platform.log, deps.credential), deps.names);
}
